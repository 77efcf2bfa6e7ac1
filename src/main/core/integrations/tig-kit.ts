import { networkInterfaces } from 'node:os'
import type { Device } from '../../../shared/contract/devices'
import type { Settings } from '../../../shared/contract/settings'
import type { InfluxForwardConfig } from '../influx/influx-forwarder'
import { grafanaDashboard } from './grafana-dashboard'
import { telegrafConf } from './telegraf-conf'

/** This computer's first non-internal IPv4 address: what Telegraf on another machine would use. */
export function lanAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return '127.0.0.1'
}

export interface TigKitInput {
  appVersion: string
  now: number
  settings: Settings
  devices: Device[]
  influx: InfluxForwardConfig
  brokerHost?: string
}

/** telegraf.conf + Grafana dashboard for the current prefix, broker, devices and InfluxDB settings. */
export function tigKit(input: TigKitInput): { name: string; mime: string; content: string }[] {
  const { settings, influx } = input
  const bind = settings.broker.bindHost
  const host = input.brokerHost ?? (bind === '0.0.0.0' || bind === '::' ? lanAddress() : bind)
  const seedTopics = [
    ...new Set(input.devices.filter((d) => d.format === 'seed').flatMap((d) => d.topics)),
  ].sort()
  const conf = telegrafConf({
    appVersion: input.appVersion,
    generatedAt: input.now,
    broker: { host, port: settings.broker.port },
    prefix: settings.devices.prefix,
    seedTopics,
    influx,
  })
  const dashboard = grafanaDashboard({
    appVersion: input.appVersion,
    influx,
    devices: input.devices.map((d) => ({ id: d.id, name: d.name })),
  })
  return [
    { name: 'telegraf.conf', mime: 'text/plain', content: conf },
    {
      name: 'grafana-dashboard.json',
      mime: 'application/json',
      content: `${JSON.stringify(dashboard, null, 2)}\n`,
    },
  ]
}
