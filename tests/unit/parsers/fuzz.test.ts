import { describe, expect, it } from 'vitest'
import { ecosystemFixtures } from '../../fixtures/ecosystems/load-fixtures'
import { ROUTES } from '../../../src/shared/parsers/ecosystems/routes'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { parseMessage } from '../../../src/shared/parsers/parse-message'
import { safePreview } from '../../../src/shared/parsers/text'
import { UNPARSED_REASONS, type ParseOutcome } from '../../../src/shared/parsers/types'

/** mulberry32: a tiny seeded PRNG, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const VALID: [string, string][] = [
  ['home/sensors/temp_hum', 'temp:21,hum:40'],
  ['iot/esp32-a1b2c3/telemetry', '{"temperature":21.4,"humidity":40.5,"ts":1768478400,"seq":42}'],
  ['iot/esp32-a1b2c3/status', 'online'],
  ['iot/esp32-a1b2c3/info', '{"id":"esp32-a1b2c3","name":"Hall","fw":"1.0","rssi":-60}'],
  ['iot/esp32-a1b2c3/event', '{"event":"sensor_error","level":"error","msg":"timeout"}'],
  [
    'tele/tasmota_1/SENSOR',
    '{"Time":"x","DHT11":{"Temperature":21.5,"Humidity":40},"TempUnit":"F"}',
  ],
  ['tele/tasmota_1/LWT', 'Online'],
  [
    'homeassistant/sensor/n/t/config',
    '{"~":"n/s","stat_t":"~/state","val_tpl":"{{ value_json.t | round(1) }}","dev_cla":"temperature","avty_t":"n/avail","dev":{"ids":["n1"]}}',
  ],
  ['n/s/state', '{"t":20.5}'],
  ['n/avail', 'online'],
  ['home/kitchen/temperature', '21.5 °C'],
  ['a/json', '{"t":1,"h":2,"x":"3","nested":{"y":[1,2,{"z":3}]}}'],
  // Every ecosystem's documented messages (tests/fixtures/ecosystems).
  ...ecosystemFixtures().flatMap((f) =>
    f.messages.map(({ topic, payload }): [string, string] => [topic, payload]),
  ),
]
const TOPICS = [
  ...VALID.map(([t]) => t),
  '',
  '/',
  '#',
  'a/+/b',
  '$SYS/x',
  'iot//telemetry',
  'tele//SENSOR',
  'homeassistant/sensor/config',
  'x/'.repeat(100),
  // Route keys in odd places: every tier's index is reached with hostile shapes.
  ...ROUTES.flatMap((r) => (typeof r.values === 'function' ? [] : r.values)).flatMap((v) => [
    v,
    `${v}/`,
    `/${v}`,
    `a/${v}`,
    `${v}/x/y/z`,
    `x/${v}/000000000000`,
  ]),
  'zigbee2mqtt/bridge/devices',
  'shellies/announce',
]
const ALPHABET = '{}[]":,.-+eE0123456789 tempnaifNIF°%CF\\u{}/\n\t\u0000\u00ff\ud83d'

function randomBytes(next: () => number, max: number): Uint8Array {
  const bytes = new Uint8Array(Math.floor(next() * max))
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256)
  return bytes
}

function mutate(next: () => number, text: string): Uint8Array {
  const bytes = [...new TextEncoder().encode(text)]
  const edits = 1 + Math.floor(next() * 2)
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (bytes.length + 1))
    const op = Math.floor(next() * 5)
    if (op === 0) bytes.splice(at, 1)
    else if (op === 1) bytes.splice(at, 0, Math.floor(next() * 256))
    else if (op === 2)
      bytes.splice(at, 0, ALPHABET.charCodeAt(Math.floor(next() * ALPHABET.length)) & 0xff)
    else if (op === 3) bytes.length = at
    else bytes.splice(at, 0, ...bytes.slice(0, Math.floor(next() * 40)))
  }
  return new Uint8Array(bytes)
}

function randomTopic(next: () => number): string {
  if (next() < 0.7) return TOPICS[Math.floor(next() * TOPICS.length)]!
  const length = Math.floor(next() * 12)
  return Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('')
}

/** What is wrong with an outcome, or null: one expect() per message would dominate the run time. */
function check(outcome: ParseOutcome): string | null {
  if (!['parsed', 'ignored', 'unparsed'].includes(outcome.kind))
    return `unknown kind ${outcome.kind}`
  if (outcome.kind === 'unparsed') {
    if (!UNPARSED_REASONS.includes(outcome.reason)) return `unknown reason ${outcome.reason}`
    if (outcome.reason === 'internal') return `parser threw: ${outcome.detail}`
  }
  if (outcome.kind !== 'parsed') return null
  for (const update of outcome.updates) {
    if (update.deviceId.length === 0 || update.deviceId.length > 200)
      return `bad device id ${update.deviceId}`
    for (const r of update.readings) {
      if (!Number.isFinite(r.value)) return `non-finite ${r.metric}`
      if (!/^[a-z0-9_]{1,48}$/.test(r.metric)) return `bad metric name ${r.metric}`
    }
  }
  return null
}

describe('parser fuzzing', () => {
  it('turns 12,000 random and mutated messages into outcomes without throwing', () => {
    const next = rng(0x5eed)
    const ha = new HaRegistry()
    // One context for the whole run, like the ingestor's: learned state (HA, Zigbee2MQTT) is fuzzed too.
    const mappings = new Map([
      ['a/json', { topic: 'a/json', deviceId: 'mapped-a', metric: 'temperature', field: 't' }],
      [
        'home/kitchen/temperature',
        { topic: 'home/kitchen/temperature', deviceId: 'k', metric: 'x' },
      ],
    ])
    const context = { prefix: 'iot', ha, mappings }
    const kinds = { parsed: 0, ignored: 0, unparsed: 0 }
    const problems: string[] = []
    for (let i = 0; i < 12_000; i++) {
      const [validTopic, validPayload] = VALID[i % VALID.length]!
      const mode = i % 3
      const topic = mode === 0 ? validTopic : randomTopic(next)
      const payload = mode === 2 ? randomBytes(next, 200) : mutate(next, validPayload)
      const outcome = parseMessage({ topic, payload, receivedAt: 1768478400000 }, context)
      kinds[outcome.kind]++
      const problem = check(outcome)
      if (problem !== null)
        problems.push(`${JSON.stringify(topic)} ${safePreview(payload)}: ${problem}`)
      if (safePreview(payload).length > 200)
        problems.push(`preview too long for ${safePreview(payload)}`)
    }
    expect(problems).toEqual([])
    // The mix really exercises every path, not just the error branch.
    expect(kinds.parsed).toBeGreaterThan(800)
    expect(kinds.unparsed).toBeGreaterThan(1000)
    expect(kinds.ignored).toBeGreaterThan(10)
  })
})
