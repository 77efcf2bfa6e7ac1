import { describe, expect, it } from 'vitest'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { parseMessage } from '../../../src/shared/parsers/parse-message'
import {
  appSubscriptions,
  deviceIdFromTopic,
  ourTopics,
  parseHaDiscoveryTopic,
  parseOurTopic,
  parseTasmotaTopic,
  SEED_TOPIC,
} from '../../../src/shared/topics'

describe('topic conventions', () => {
  it('names the five topics of one of our devices', () => {
    expect(ourTopics('iot', 'esp32-a1b2c3')).toEqual({
      status: 'iot/esp32-a1b2c3/status',
      info: 'iot/esp32-a1b2c3/info',
      telemetry: 'iot/esp32-a1b2c3/telemetry',
      cmd: 'iot/esp32-a1b2c3/cmd',
      event: 'iot/esp32-a1b2c3/event',
    })
  })

  it('parses our topics back, including a multi-level prefix, and nothing else', () => {
    expect(parseOurTopic('iot', 'iot/esp32-a1b2c3/telemetry')).toEqual({
      id: 'esp32-a1b2c3',
      kind: 'telemetry',
    })
    expect(parseOurTopic('site/a', 'site/a/dev1/status')).toEqual({ id: 'dev1', kind: 'status' })
    expect(parseOurTopic('iot', 'iot/x/other')).toBeNull()
    expect(parseOurTopic('iot', 'iot/x/y/telemetry')).toBeNull()
    expect(parseOurTopic('iot', 'iot//telemetry')).toBeNull()
    expect(parseOurTopic('iot', 'iotx/a/telemetry')).toBeNull()
  })

  it('recognises Tasmota telemetry and HA discovery topics', () => {
    expect(parseTasmotaTopic('tele/tasmota_1A2B3C/SENSOR')).toEqual({
      device: 'tasmota_1A2B3C',
      kind: 'SENSOR',
    })
    expect(parseTasmotaTopic('tele/x/UPTIME')).toEqual({ device: 'x', kind: 'OTHER' })
    expect(parseTasmotaTopic('stat/x/RESULT')).toBeNull()
    expect(parseHaDiscoveryTopic('homeassistant/sensor/node1/temp/config')).toEqual({
      component: 'sensor',
      nodeId: 'node1',
      objectId: 'temp',
    })
    expect(parseHaDiscoveryTopic('homeassistant/sensor/temp/config')).toEqual({
      component: 'sensor',
      nodeId: null,
      objectId: 'temp',
    })
    expect(parseHaDiscoveryTopic('homeassistant/sensor/temp/state')).toBeNull()
    expect(parseHaDiscoveryTopic('homeassistant/a/b/c/d/config')).toBeNull()
  })

  it('derives readable, stable device ids from foreign topics', () => {
    expect(deviceIdFromTopic(SEED_TOPIC)).toBe('home.sensors.temp_hum')
    expect(deviceIdFromTopic('tasmota_1A2B3C')).toBe('tasmota_1A2B3C')
    expect(deviceIdFromTopic('home/living-room')).toBe('home.living-room')
    expect(deviceIdFromTopic('home/living room')).toBe(deviceIdFromTopic('home/living room'))
    expect(deviceIdFromTopic('home/living room')).toMatch(/^home\.living_room~[0-9a-f]{8}$/)
  })

  it('never gives two different topics the same id', () => {
    const topics = [
      'a/b',
      'a.b',
      'a/b/',
      'a//b',
      'a_b',
      'a b',
      'a/b c',
      'a/b_c',
      '/a/b',
      'a/b\u00e9',
      'a/be',
      'x'.repeat(200),
      'x'.repeat(201),
    ]
    const ids = topics.map(deviceIdFromTopic)
    expect(new Set(ids).size).toBe(topics.length)
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(80)
  })

  it('subscribes to everything and lets the parsers decide', () => {
    expect(appSubscriptions()).toEqual(['#'])
  })
})

describe('topics the app itself or Home Assistant publishes', () => {
  it('are ignored rather than turned into devices', () => {
    const context = { prefix: 'iot', ha: new HaRegistry() }
    const bytes = (s: string) => new TextEncoder().encode(s)
    expect(
      parseMessage(
        {
          topic: 'iot/alerts/too-hot',
          payload: bytes('{"state":"firing","value":31}'),
          receivedAt: 0,
        },
        context,
      ).kind,
    ).toBe('ignored')
    expect(
      parseMessage(
        { topic: 'homeassistant/status', payload: bytes('online'), receivedAt: 0 },
        context,
      ).kind,
    ).toBe('ignored')
  })
})

describe('cluster coordination topics (<prefix>/cluster/…)', () => {
  const context = { prefix: 'iot', ha: new HaRegistry() }
  // A StoredAcks batch is binary fingerprints; the leader claim and ledger are JSON.
  const binary = new Uint8Array([0x00, 0xff, 0x13, 0x80, 0xc3, 0x28, 0x01, 0x02])
  const json = new TextEncoder().encode('{"instance":"a1","since":1}')

  it('are ignored with a reason naming them, whatever their payload', () => {
    for (const [topic, payload] of [
      ['iot/cluster/stored/ingest/a1b2', binary],
      ['iot/cluster/leader', json],
      ['iot/cluster/alerts/too-hot/esp32-1', json],
      ['iot/cluster/leader', new Uint8Array(0)],
    ] as const) {
      const outcome = parseMessage({ topic, payload, receivedAt: 0 }, context)
      expect(outcome).toEqual({ kind: 'ignored', reason: 'cluster coordination by this app' })
    }
  })

  it('only under this app’s own prefix', () => {
    const outcome = parseMessage(
      { topic: 'other/cluster/leader', payload: binary, receivedAt: 0 },
      context,
    )
    expect(outcome.kind).not.toBe('ignored')
  })
})
