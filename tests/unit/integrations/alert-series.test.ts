import { parse } from 'smol-toml'
import { afterEach, describe, expect, it } from 'vitest'
import type { AlertIncident } from '../../../src/shared/contract/alerts'
import { silentLogger } from '../../../src/main/core/base/logger'
import { alertStatePayload } from '../../../src/main/core/alerts/alert-mqtt'
import type { StoredRule } from '../../../src/main/core/alerts/rule-store'
import { InfluxForwarder } from '../../../src/main/core/influx/influx-forwarder'
import { toLine } from '../../../src/main/core/influx/line-protocol'
import { defaultIntegrations } from '../../../src/main/core/integrations/integrations-store'
import { telegrafConf } from '../../../src/main/core/integrations/telegraf-conf'
import { FakeClock } from '../../helpers/fake-clock'
import { tempDir } from '../../helpers/temp-dir'

type Toml = Record<string, unknown>

const influx = { ...defaultIntegrations().influx, createDatabase: false, batchSize: 1 }
const rule = { id: 'too-hot', name: 'Too hot' } as StoredRule
const fired: AlertIncident = {
  id: 7,
  ruleId: 'too-hot',
  ruleName: 'Too hot',
  deviceId: 'esp32-a1b2c3',
  deviceName: 'Living room',
  condition: 'threshold',
  metric: 'temperature',
  value: 30.5,
  message: 'temperature 30.5 °C is above 30 °C',
  firedAt: Date.UTC(2026, 0, 1, 12, 0, 0, 250),
  clearedAt: null,
  acknowledgedAt: null,
  quiet: false,
}
const cleared: AlertIncident = { ...fired, clearedAt: Date.UTC(2026, 0, 1, 12, 5, 0, 125) }
const changes = [
  { incident: fired, event: 'fired' as const, reason: undefined },
  { incident: cleared, event: 'cleared' as const, reason: 'back below 29.5 °C' },
  { incident: { ...fired, value: null, condition: 'offline' as const }, event: 'fired' as const },
]

/** What the app's own forwarding writes for an incident change (through InfluxDB's /write). */
async function appLines(): Promise<string[]> {
  const bodies: string[] = []
  const forwarder = new InfluxForwarder({
    dataDir: dir.path,
    clock: new FakeClock(),
    logger: silentLogger,
    config: () => influx,
    fetch: async (_url, init) => {
      bodies.push(String(init.body))
      return new Response(null, { status: 204 })
    },
  })
  for (const c of changes) forwarder.addAlert(c.incident, c.reason)
  await forwarder.idle()
  await forwarder.close()
  return bodies.join('').trim().split('\n')
}

/**
 * The metric Telegraf makes of one retained alert-state message with the generated config:
 * the json_v2 parser (tag/field paths, rename, type, optional, timestamp_path) followed by
 * processors.enum, as their READMEs specify; serialised as line protocol at ms precision.
 */
function telegrafLine(conf: Toml, topic: string, payload: string): string | null {
  const input = ((conf.inputs as Toml).mqtt_consumer as Toml[]).find((i) =>
    (i.topics as string[]).some((filter) =>
      new RegExp(`^${filter.replace('+', '[^/]+')}$`).test(topic),
    ),
  )
  if (!input) return null
  expect(input.data_format).toBe('json_v2')
  const [spec] = input.json_v2 as Toml[]
  const json = JSON.parse(payload) as Record<string, unknown>
  const at = (path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], json)
  const tags: Record<string, string> = {}
  for (const t of (spec?.tag ?? []) as Toml[]) {
    tags[(t.rename as string | undefined) ?? (t.path as string)] = String(at(t.path as string))
  }
  const fields: Record<string, number | string | { int: number }> = {}
  for (const f of (spec?.field ?? []) as Toml[]) {
    const value = at(f.path as string)
    if (value === undefined) {
      expect(f.optional, `${String(f.path)} is missing and not optional`).toBe(true)
      continue
    }
    const name = (f.rename as string | undefined) ?? (f.path as string)
    fields[name] = f.type === 'float' ? Number(value) : String(value)
  }
  const measurement = spec?.measurement_name as string
  for (const processor of ((conf.processors as Toml | undefined)?.enum ?? []) as Toml[]) {
    if (!(processor.namepass as string[]).includes(measurement)) continue
    for (const mapping of processor.mapping as Toml[]) {
      const source = fields[mapping.field as string]
      const mapped = (mapping.value_mappings as Record<string, number>)[String(source)]
      if (mapped !== undefined) {
        fields[(mapping.dest as string | undefined) ?? (mapping.field as string)] = { int: mapped }
      }
    }
  }
  expect(spec?.timestamp_format).toBe('2006-01-02T15:04:05Z07:00')
  const ts = Date.parse(String(at(spec?.timestamp_path as string)))
  return toLine({ measurement, tags, fields, ts })
}

let dir: { path: string; cleanup: () => Promise<void> }
afterEach(async () => dir.cleanup())

describe('alert incidents in InfluxDB', () => {
  it('the app’s forwarding and the generated telegraf.conf write identical lines for the same change', async () => {
    dir = await tempDir('iotcc-alert-series-')
    const conf = parse(
      telegrafConf({
        appVersion: '0.1.0',
        generatedAt: 0,
        broker: { url: 'tcp://127.0.0.1:1883', tlsCa: null },
        prefix: 'iot',
        seedTopics: [],
        influx,
      }),
    ) as Toml
    const active: AlertIncident[] = []
    const viaTelegraf = changes.map((c) => {
      const payload = alertStatePayload(
        rule,
        active,
        { event: c.event, incident: c.incident, reason: c.reason },
        c.incident.clearedAt ?? c.incident.firedAt,
      )
      return telegrafLine(conf, 'iot/alerts/too-hot', payload)
    })
    const viaApp = await appLines()
    expect(viaApp).toEqual([
      'iot_alerts,device=esp32-a1b2c3,rule=too-hot active=1i,message="temperature 30.5 °C is above 30 °C",value=30.5 1767268800250',
      'iot_alerts,device=esp32-a1b2c3,rule=too-hot active=0i,message="back below 29.5 °C",value=30.5 1767269100125',
      'iot_alerts,device=esp32-a1b2c3,rule=too-hot active=1i,message="temperature 30.5 °C is above 30 °C" 1767268800250',
    ])
    expect(viaTelegraf).toEqual(viaApp)
  })
})
