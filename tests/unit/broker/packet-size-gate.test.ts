import { PassThrough } from 'node:stream'
import mqttPacket from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { FixedHeaderScanner, PacketSizeGate } from '../../../src/main/core/broker/packet-size-gate'

/** Every Remaining Length the scanner reports, feeding `bytes` in pieces of `size`. */
function lengths(bytes: Buffer, size: number): number[] {
  const scanner = new FixedHeaderScanner()
  const found: number[] = []
  for (let start = 0; start < bytes.length; start += size) {
    const chunk = bytes.subarray(start, start + size)
    let offset = 0
    while (offset < chunk.length) {
      const step = scanner.next(chunk, offset)
      if (!step) throw new Error('malformed')
      offset = step.offset
      if (step.length !== undefined) found.push(step.length)
    }
  }
  return found
}

const publish = (payloadBytes: number): Buffer =>
  mqttPacket.generate({
    cmd: 'publish',
    topic: 't',
    payload: Buffer.alloc(payloadBytes),
    qos: 0,
    dup: false,
    retain: false,
  })

describe('FixedHeaderScanner', () => {
  it('finds every packet boundary, however the stream is cut', () => {
    const stream = Buffer.concat([
      publish(0),
      publish(200),
      mqttPacket.generate({ cmd: 'pingreq' }),
      publish(20_000),
    ])
    const expected = [3, 203, 0, 20_003]
    for (const size of [1, 2, 3, 7, 64, stream.length])
      expect(lengths(stream, size)).toEqual(expected)
  })

  it('calls a Remaining Length of five bytes malformed (MQTT 3.1.1 §2.2.3)', () => {
    const scanner = new FixedHeaderScanner()
    expect(scanner.next(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), 0)).toBeNull()
  })
})

describe('PacketSizeGate', () => {
  it('passes packets within the limit through unchanged, and closes on the first beyond it', async () => {
    const socket = new PassThrough()
    const refused: number[] = []
    const gate = new PacketSizeGate(socket, { beforeAuth: 100, afterAuth: 1000 }, (size) =>
      refused.push(size),
    )
    const seen: Buffer[] = []
    gate.on('data', (chunk: Buffer) => seen.push(chunk))
    gate.on('error', () => {})
    const connect = publish(50) // stands in for the CONNECT: only sizes matter here
    socket.write(connect)
    await new Promise((resolve) => setImmediate(resolve))
    gate.admit()
    socket.write(publish(900))
    socket.write(publish(2000).subarray(0, 10))
    await new Promise((resolve) => setImmediate(resolve))
    expect(Buffer.concat(seen)).toEqual(Buffer.concat([connect, publish(900)]))
    expect(refused).toEqual([2003])
    expect(gate.destroyed).toBe(true)
  })
})
