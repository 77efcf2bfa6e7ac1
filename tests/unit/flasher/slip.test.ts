import { describe, expect, test } from 'vitest'
import { SlipDecoder, slipEncode } from '../../simulators/esp32-rom/slip'

describe('SLIP codec (serial-protocol "Low Level Protocol")', () => {
  test('escapes 0xC0 and 0xDB inside a packet and frames it with 0xC0', () => {
    expect([...slipEncode(Uint8Array.from([1, 0xc0, 2, 0xdb, 3]))]).toEqual([
      0xc0, 1, 0xdb, 0xdc, 2, 0xdb, 0xdd, 3, 0xc0,
    ])
  })

  test('the real SYNC frame esptool sends decodes to the command packet', () => {
    const payload = Uint8Array.from([
      0,
      8,
      0x24,
      0,
      0,
      0,
      0,
      0,
      7,
      7,
      0x12,
      0x20,
      ...new Array<number>(32).fill(0x55),
    ])
    const frame = slipEncode(payload)
    expect([...frame.subarray(0, 12)]).toEqual([
      0xc0, 0x00, 0x08, 0x24, 0, 0, 0, 0, 0, 0x07, 0x07, 0x12,
    ])
    expect(new SlipDecoder().push(frame)).toEqual([payload])
  })

  test('round-trips every byte value, split at any point', () => {
    const payload = Uint8Array.from({ length: 256 }, (_, i) => i)
    const frame = slipEncode(payload)
    for (const cut of [1, 2, 7, 100, frame.length - 1]) {
      const decoder = new SlipDecoder()
      expect([
        ...decoder.push(frame.subarray(0, cut)),
        ...decoder.push(frame.subarray(cut)),
      ]).toEqual([payload])
    }
  })

  test('skips boot-log noise between packets, ignores empty packets, drops bad escapes', () => {
    const decoder = new SlipDecoder()
    const noise = new TextEncoder().encode('waiting for download\r\n')
    const a = slipEncode(Uint8Array.from([1, 2]))
    const bad = Uint8Array.from([0xc0, 5, 0xdb, 0x01, 6, 0xc0])
    const packets = decoder.push(
      Uint8Array.from([...noise, ...a, 0xc0, 0xc0, ...bad, ...slipEncode(Uint8Array.from([3]))]),
    )
    expect(packets).toEqual([Uint8Array.from([1, 2]), Uint8Array.from([3])])
    // The rest of the dropped packet (the byte 6) counts as noise too.
    expect(decoder.noiseBytes).toBe(noise.length + 1)
    expect(decoder.droppedPackets).toBe(1)
  })
})
