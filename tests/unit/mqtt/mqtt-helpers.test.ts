import { describe, expect, it } from 'vitest'
import {
  isLoopbackAddress,
  mayPublish,
  maySubscribe,
} from '../../../src/main/core/broker/broker-acl'
import { Coalescer } from '../../../src/main/core/mqtt/coalescer'
import { describeMqttError } from '../../../src/main/core/mqtt/describe-mqtt-error'
import { previewPayload } from '../../../src/main/core/mqtt/payload-preview'
import { topicMatches } from '../../../src/main/core/mqtt/topic-filter'
import { FakeClock } from '../../helpers/fake-clock'

describe('device ACL', () => {
  const dev = { kind: 'device', deviceId: 'esp32-a1' } as const
  it('confines a device to its own subtree, and lets the app and loopback tools anywhere', () => {
    expect(mayPublish(dev, 'iot/esp32-a1/telemetry', 'iot')).toBe(true)
    expect(mayPublish(dev, 'iot/esp32-a2/telemetry', 'iot')).toBe(false)
    expect(mayPublish(dev, 'iot/esp32-a1x/telemetry', 'iot')).toBe(false)
    expect(mayPublish(dev, 'home/sensors/temp_hum', 'iot')).toBe(false)
    expect(mayPublish({ kind: 'app' }, 'anything/at/all', 'iot')).toBe(true)
    expect(maySubscribe(dev, 'iot/esp32-a1/cmd', 'iot')).toBe(true)
    expect(maySubscribe(dev, 'iot/esp32-a1/#', 'iot')).toBe(true)
    for (const filter of ['#', 'iot/#', 'iot/+/cmd', '+/esp32-a1/cmd', '$SYS/#']) {
      expect(maySubscribe(dev, filter, 'iot')).toBe(false)
    }
    expect(maySubscribe({ kind: 'anonymous' }, '#', 'iot')).toBe(true)
  })
  it("allows a device its provisioned legacy topic and its own Home Assistant discovery configs, nobody else's", () => {
    const legacy = {
      kind: 'device',
      deviceId: 'esp32-a1',
      legacyTopic: 'home/sensors/temp_hum',
    } as const
    expect(mayPublish(legacy, 'home/sensors/temp_hum', 'iot')).toBe(true)
    expect(mayPublish(legacy, 'home/sensors/other', 'iot')).toBe(false)
    expect(mayPublish(dev, 'homeassistant/sensor/esp32-a1/temperature/config', 'iot')).toBe(true)
    expect(mayPublish(dev, 'homeassistant/sensor/esp32-a2/temperature/config', 'iot')).toBe(false)
    expect(mayPublish(dev, 'homeassistant/sensor/esp32-a1/temperature/state', 'iot')).toBe(false)
    expect(mayPublish(dev, 'homeassistant/status', 'iot')).toBe(false)
  })
  it('knows loopback addresses, IPv4-mapped too', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(
      true,
    )
    expect(['192.168.1.5', '::ffff:10.0.0.1', undefined].some(isLoopbackAddress)).toBe(false)
  })
})

describe('topic filters (MQTT 3.1.1 §4.7)', () => {
  it('matches + and # as the spec says, and keeps $ topics away from leading wildcards', () => {
    expect(topicMatches('iot/+/telemetry', 'iot/a/telemetry')).toBe(true)
    expect(topicMatches('iot/+/telemetry', 'iot/a/b/telemetry')).toBe(false)
    expect(topicMatches('iot/#', 'iot')).toBe(true)
    expect(topicMatches('iot/#', 'iot/a/b')).toBe(true)
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false)
    expect(topicMatches('$SYS/#', '$SYS/broker/uptime')).toBe(true)
    expect(topicMatches('a/b', 'a/b/c')).toBe(false)
  })
})

describe('payload preview', () => {
  it('shows printable UTF-8 as text and anything else as hex, never the whole payload', () => {
    expect(previewPayload(Buffer.from('temp:21,hum:40'))).toEqual({
      encoding: 'utf8',
      text: 'temp:21,hum:40',
      bytes: 14,
      truncated: false,
    })
    expect(previewPayload(Buffer.from([0, 255, 16]))).toMatchObject({
      encoding: 'hex',
      text: '00 ff 10',
    })
    const long = previewPayload(Buffer.from('é'.repeat(200)), 255)
    expect(long).toMatchObject({ encoding: 'utf8', truncated: true, bytes: 400 })
    expect(long.text).toBe('é'.repeat(127))
    expect(previewPayload(Buffer.alloc(10_000, 1)).text.split(' ')).toHaveLength(64)
  })
})

describe('MQTT errors in words', () => {
  const url = 'mqtts://broker.lan:8883'
  it('names the kind first', () => {
    expect(
      describeMqttError({ code: 4, message: 'Connection refused: Bad username or password' }, url),
    ).toBe('auth refused: bad username or password for broker.lan:8883')
    expect(describeMqttError({ code: 135 }, url)).toMatch(/^auth refused: not authorized/)
    expect(describeMqttError({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'x' }, url)).toMatch(
      /^TLS untrusted: /,
    )
    expect(describeMqttError({ code: 'ECONNREFUSED', message: 'x' }, url)).toMatch(
      /^host unreachable: nothing accepts/,
    )
    expect(describeMqttError({ code: 'ENOTFOUND', message: 'x' }, url)).toMatch(
      /^host unreachable: the name/,
    )
    expect(describeMqttError(new Error('ssl3_get_record:wrong version number'), url)).toMatch(
      /^TLS failed: /,
    )
  })
})

describe('Coalescer', () => {
  it('sends the latest value per key at most once per interval', () => {
    const clock = new FakeClock(0)
    const batches: number[][] = []
    const c = new Coalescer<number>(clock, 50, (batch) => batches.push(batch))
    for (let i = 0; i < 1000; i++) c.add(`k${i % 3}`, i)
    expect(batches).toHaveLength(0)
    clock.advance(50)
    expect(batches).toEqual([[997, 998, 999]])
    c.add('k0', 1)
    clock.advance(49)
    expect(batches).toHaveLength(1)
    clock.advance(1)
    expect(batches).toEqual([[997, 998, 999], [1]])
  })

  it('spreads a large backlog over several intervals instead of one huge batch', () => {
    const clock = new FakeClock(0)
    const batches: number[][] = []
    const c = new Coalescer<number>(clock, 50, (batch) => batches.push(batch), 2)
    for (let i = 0; i < 5; i++) c.add(`k${i}`, i)
    clock.advance(50)
    expect(batches).toEqual([[0, 1]])
    clock.advance(100)
    expect(batches).toEqual([[0, 1], [2, 3], [4]])
  })
})
