import { describe, expect, it } from 'vitest'
import {
  MAX_PAYLOAD_BYTES,
  pickInfo,
  presenceWord,
  safePreview,
} from '../../../src/shared/parsers/text'
import { parse, single } from './helpers'

describe('payloads no parser should trust', () => {
  it('reports invalid UTF-8 and control characters as binary', () => {
    expect(parse('a/b', new Uint8Array([0xff, 0xfe, 0x00, 0x41]))).toMatchObject({
      kind: 'unparsed',
      reason: 'binary',
    })
    expect(parse('iot/d/telemetry', new Uint8Array([0x7b, 0xc3]))).toMatchObject({
      kind: 'unparsed',
      reason: 'binary',
    })
    expect(parse('a/b', 'temp:21\u0000,hum:40')).toMatchObject({
      kind: 'unparsed',
      reason: 'binary',
    })
  })

  it('does not parse payloads over the size cap', () => {
    const huge = `{"temperature":1,"pad":"${'x'.repeat(MAX_PAYLOAD_BYTES)}"}`
    expect(parse('a/b', huge)).toMatchObject({ kind: 'unparsed', reason: 'too-large' })
    expect(parse('iot/d/telemetry', huge)).toMatchObject({ kind: 'unparsed', reason: 'too-large' })
  })

  it('refuses deeply nested JSON before parsing it', () => {
    expect(parse('a/b', `${'['.repeat(17)}${']'.repeat(17)}`)).toMatchObject({
      kind: 'unparsed',
      reason: 'too-deep',
    })
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`
    expect(parse('iot/d/telemetry', deep)).toMatchObject({ kind: 'unparsed', reason: 'too-deep' })
    // Brackets inside strings do not count.
    expect(parse('a/b', `{"t":1,"s":"${'['.repeat(100)}"}`)).toMatchObject({ kind: 'parsed' })
  })

  it('never stores NaN or Infinity', () => {
    for (const payload of [
      'NaN',
      'Infinity',
      '-inf',
      '{"t":NaN}',
      '{"t":1e999}',
      'temp:nan,hum:1',
    ]) {
      const outcome = parse('a/temperature', payload)
      expect(outcome.kind, payload).toBe('unparsed')
    }
  })

  it('reports empty payloads on unknown topics and ignores broker topics', () => {
    expect(parse('a/b', '')).toMatchObject({ kind: 'unparsed', reason: 'empty' })
    expect(parse('$SYS/broker/uptime', '12 seconds')).toMatchObject({ kind: 'ignored' })
  })

  it('previews payloads safely: escaped, truncated, hex when binary', () => {
    expect(safePreview(new TextEncoder().encode('temp:\n21'))).toBe('temp:\\x0a21')
    expect(safePreview(new TextEncoder().encode('x'.repeat(500)))).toBe(`${'x'.repeat(120)}…`)
    expect(safePreview(new Uint8Array([0xff, 0x00]))).toBe('hex: ff 00')
    // A multi-byte character cut by the 120-byte limit still previews as text.
    expect(safePreview(new TextEncoder().encode(`${'x'.repeat(119)}°C`))).toBe(
      `${'x'.repeat(119)}…`,
    )
  })
})

describe('presence messages', () => {
  it('read online/offline in any case and spacing, in every ecosystem that uses the two words', () => {
    expect(['online', ' Online\n', 'OFFLINE', 'offline '].map(presenceWord)).toEqual([
      true,
      true,
      false,
      false,
    ])
    for (const word of ['', 'on', 'true', '1', 'online!', '{"state":"online"}'])
      expect(presenceWord(word), word).toBeNull()
    const online = (topic: string, text: string) => {
      const outcome = parse(topic, text)
      return outcome.kind === 'parsed' ? outcome.updates[0]?.online : outcome.kind
    }
    expect(online('tele/plug_1/LWT', 'Offline')).toBe(false)
    expect(online('iot/board-1/status', 'online')).toBe(true)
    expect(online('zigbee2mqtt/lamp/availability', '{"state":"offline"}')).toBe(false)
    expect(online('zigbee2mqtt/lamp/availability', 'online')).toBe(true)
    expect(online('zigbee2mqtt/lamp/availability', '{"state":"gone"}')).toBe('unparsed')
    expect(online('garage/door/status', 'Online')).toBe(true)
    expect(online('tele/plug_1/LWT', 'maybe')).toBe('unparsed')
  })
})

describe('what a device says about itself', () => {
  it('takes each field’s first candidate that is a non-empty string, and leaves the rest out', () => {
    expect(
      pickInfo({
        name: [undefined, {}, '  ', 'Living Room', 'livingroom'],
        chip: [null, 'esp32dev'],
        ip: [null],
        sensor: [],
      }),
    ).toEqual({ name: 'Living Room', chip: 'esp32dev' })
    // The BLE gateway's payload: the decoded model id is the chip, the model the sensor.
    const update = single(
      parse(
        'home/OpenMQTTGateway/BTtoMQTT/A4C138AABBCC',
        '{"id":"A4:C1:38:AA:BB:CC","name":"ATC_AABBCC","model":"LYWSD03MMC","model_id":"LYWSD03MMC_ATC","tempc":21.6}',
      ),
    )
    expect(update.info).toEqual({
      mac: 'A4:C1:38:AA:BB:CC',
      name: 'ATC_AABBCC',
      chip: 'LYWSD03MMC_ATC',
      sensor: 'LYWSD03MMC',
    })
  })
})
