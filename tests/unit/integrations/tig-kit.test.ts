import { parse } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { Settings } from '../../../src/shared/contract/settings'
import { defaultIntegrations } from '../../../src/main/core/integrations/integrations-store'
import { grafanaDashboard } from '../../../src/main/core/integrations/grafana-dashboard'
import { tigKit } from '../../../src/main/core/integrations/tig-kit'
import { device } from '../alerts/alert-fixtures'

type Toml = Record<string, unknown>

const settings = Settings.parse({
  broker: { port: 1884, bindHost: '0.0.0.0' },
  devices: { prefix: 'home/iot' },
})
const devices = [
  device('esp32-a1b2c3', { name: 'Living room' }),
  device('home.sensors.temp_hum', { format: 'seed', topics: ['home/sensors/temp_hum'] }),
  device('we~ird', { format: 'seed', topics: ['odd "quoted"\\topic'] }),
]

function kit(version: '1' | '2') {
  const influx = {
    ...defaultIntegrations().influx,
    version,
    org: 'home',
    bucket: 'sensors',
    username: 'telegraf',
  }
  const files = tigKit({
    appVersion: '0.1.0',
    now: Date.UTC(2026, 0, 1),
    settings,
    devices,
    influx,
    broker: null,
    brokerHost: '192.168.1.50',
  })
  const conf = files.find((f) => f.name === 'telegraf.conf')?.content ?? ''
  const dashboard = JSON.parse(
    files.find((f) => f.name === 'grafana-dashboard.json')?.content ?? '',
  ) as Toml
  return { conf, toml: parse(conf) as Toml, dashboard }
}

describe('telegraf.conf', () => {
  it('is valid TOML with mqtt_consumer inputs for our topics, seed topics and alert states', () => {
    const { toml } = kit('1')
    const inputs = (toml.inputs as Toml).mqtt_consumer as Toml[]
    expect(inputs).toHaveLength(4)
    const [telemetry, seed, odd, alerts] = inputs as [Toml, Toml, Toml, Toml]
    expect(telemetry).toMatchObject({
      servers: ['tcp://192.168.1.50:1884'],
      topics: ['home/iot/+/telemetry'],
      data_format: 'json',
      name_override: 'iot',
      fieldexclude: ['ts', 'seq'],
      username: '${MQTT_USER}',
      topic_parsing: [{ topic: 'home/iot/+/telemetry', tags: '_/_/device/_' }],
    })
    expect(seed).toMatchObject({
      topics: ['home/sensors/temp_hum'],
      data_format: 'grok',
      grok_patterns: ['temp:%{NUMBER:temperature:float},hum:%{NUMBER:humidity:float}'],
      tags: { device: 'home.sensors.temp_hum' },
    })
    // Quotes and backslashes in a topic survive TOML escaping.
    expect(odd.topics).toEqual(['odd "quoted"\\topic'])
    expect(alerts).toMatchObject({
      topics: ['home/iot/alerts/+'],
      data_format: 'json_v2',
      json_v2: [expect.objectContaining({ measurement_name: 'iot_alerts' })],
    })
    expect((toml.outputs as Toml).influxdb).toEqual([
      {
        urls: ['http://127.0.0.1:8086'],
        database: 'iot',
        username: 'telegraf',
        password: '${INFLUX_PASSWORD}',
      },
    ])
  })

  it('writes to InfluxDB 2.x with a token from the environment, never a literal secret', () => {
    const { toml, conf } = kit('2')
    expect((toml.outputs as Toml).influxdb_v2).toEqual([
      {
        urls: ['http://127.0.0.1:8086'],
        token: '${INFLUX_TOKEN}',
        organization: 'home',
        bucket: 'sensors',
      },
    ])
    expect(conf).not.toMatch(/password = "(?!\$\{)/)
  })
})

describe('Grafana dashboard', () => {
  it('imports with a data source input and charts temperature, humidity and alerts (InfluxQL)', () => {
    const { dashboard } = kit('1')
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_INFLUXDB', pluginId: 'influxdb' }),
    ])
    const panels = dashboard.panels as Toml[]
    expect(panels.map((p) => p.title)).toEqual([
      'Temperature',
      'Humidity',
      'Temperature now',
      'Humidity now',
      'Alerts (1 = firing)',
    ])
    const query = (i: number) => ((panels[i]?.targets as Toml[])[0] as Toml).query as string
    expect(query(0)).toBe(
      'SELECT mean("temperature") FROM "iot" WHERE ("device" =~ /^$device$/) AND $timeFilter GROUP BY time($__interval), "device" fill(null)',
    )
    expect(query(4)).toContain('FROM "iot_alerts"')
    const overrides = ((panels[0]?.fieldConfig as Toml).overrides as Toml[]).map(
      (o) => o.properties,
    )
    expect(overrides).toContainEqual([{ id: 'displayName', value: 'Living room' }])
  })

  it('uses Flux against the bucket for InfluxDB 2.x', () => {
    const { dashboard } = kit('2')
    const first = ((dashboard.panels as Toml[])[0]?.targets as Toml[])[0] as Toml
    expect(first.query).toContain('from(bucket: "sensors")')
    expect(first.query).toContain('r._field == "temperature"')
  })

  /** Grafana's byRegexp matcher (stringToJsRegex): a pattern without slashes is `^…$`. */
  const grafanaRegex = (pattern: string) =>
    pattern.startsWith('/')
      ? new RegExp(pattern.slice(1, pattern.lastIndexOf('/')))
      : new RegExp(`^${pattern}$`)

  it('names each series after exactly its device, also when one id prefixes another', () => {
    const fleet = [
      device('esp32-a', { name: 'Attic' }),
      device('esp32-ab', { name: 'Barn' }),
      device('x.y', { name: 'Cellar' }),
      device('xzy', { name: 'Den' }),
    ]
    for (const version of ['1', '2'] as const) {
      const dashboard = grafanaDashboard({
        appVersion: '0.1.0',
        influx: { ...defaultIntegrations().influx, version },
        devices: fleet.map((d) => ({ id: d.id, name: d.name })),
      })
      const panels = dashboard.panels as Toml[]
      for (const panel of panels.slice(0, 4)) {
        const overrides = (panel.fieldConfig as Toml).overrides as {
          matcher: { id: string; options: string }
          properties: { value: string }[]
        }[]
        for (const d of fleet) {
          // InfluxQL: alias $tag_device; Flux: pivoted into one column per device id.
          const names = overrides
            .filter(
              (o) => o.matcher.id === 'byRegexp' && grafanaRegex(o.matcher.options).test(d.id),
            )
            .map((o) => o.properties[0]?.value)
          expect(names, `${version} ${String(panel.title)} ${d.id}`).toEqual([d.name])
        }
      }
      const query = ((panels[0]?.targets as Toml[])[0] as Toml).query as string
      if (version === '2') expect(query).toContain('columnKey: ["device"]')
      else expect((panels[0]?.targets as Toml[])[0]).toMatchObject({ alias: '$tag_device' })
    }
  })
})
