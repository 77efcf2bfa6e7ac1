import type { BrokerListener } from '../../../shared/contract/broker'
import type { Device } from '../../../shared/contract/devices'
import type { Settings } from '../../../shared/contract/settings'
import { lanAddresses } from '../broker/lan-addresses'
import type { InfluxForwardConfig } from '../influx/influx-forwarder'
import { grafanaDashboard } from './grafana-dashboard'
import { telegrafConf } from './telegraf-conf'

/** Where Telegraf should fetch the app's CA from when the broker speaks TLS (telegraf.conf). */
export const CA_FILE = 'iotcc-ca.pem'
const CA_PATH = `/etc/telegraf/${CA_FILE}`

/** The embedded broker as it runs: its real listeners (after any port fallback) and CA. */
export interface RunningBroker {
  listeners: readonly BrokerListener[]
  lanAddresses: readonly string[]
  /** The app's CA (PEM), when a TLS listener is open. */
  caPem: string | null
}

const anyAddress = (host: string): boolean => host === '0.0.0.0' || host === '::' || host === ''
const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host)

/**
 * The broker Telegraf should use: the TLS listener when TLS is on (the password then never
 * crosses the LAN in clear), else the plain TCP one, at the port it really has (a free one
 * when the configured port was taken, or `--broker-port 0`), at the address it is bound to,
 * or this computer's LAN address when bound to every interface. Without a running embedded
 * broker (an external broker only), the configured port: the person fills in their own.
 */
export function telegrafBroker(
  settings: Settings,
  broker: RunningBroker | null,
  override?: string,
): { url: string; tlsCa: string | null } {
  const lan = broker?.lanAddresses[0] ?? lanAddresses()[0] ?? '127.0.0.1'
  const listener =
    broker?.listeners.find((l) => l.kind === 'tls') ??
    broker?.listeners.find((l) => l.kind === 'tcp')
  const bound = listener?.host ?? settings.broker.bindHost
  const host = override ?? (anyAddress(bound) ? lan : bound)
  if (listener?.kind === 'tls' && broker?.caPem) {
    return { url: `ssl://${urlHost(host)}:${listener.port}`, tlsCa: CA_PATH }
  }
  return { url: `tcp://${urlHost(host)}:${listener?.port ?? settings.broker.port}`, tlsCa: null }
}

export interface TigKitInput {
  appVersion: string
  now: number
  settings: Settings
  devices: Device[]
  influx: InfluxForwardConfig
  /** The embedded broker while it runs, else null. */
  broker: RunningBroker | null
  /** Broker address the person typed in; default: the listener's or the LAN address. */
  brokerHost?: string
}

/** telegraf.conf + Grafana dashboard for the current prefix, broker, devices and InfluxDB settings. */
export function tigKit(input: TigKitInput): { name: string; mime: string; content: string }[] {
  const { settings, influx } = input
  const broker = telegrafBroker(settings, input.broker, input.brokerHost)
  const seedTopics = [
    ...new Set(input.devices.filter((d) => d.format === 'seed').flatMap((d) => d.topics)),
  ].sort()
  const conf = telegrafConf({
    appVersion: input.appVersion,
    generatedAt: input.now,
    broker,
    prefix: settings.devices.prefix,
    seedTopics,
    influx,
  })
  const dashboard = grafanaDashboard({
    appVersion: input.appVersion,
    influx,
    devices: input.devices.map((d) => ({ id: d.id, name: d.name })),
  })
  const files = [
    { name: 'telegraf.conf', mime: 'text/plain', content: conf },
    {
      name: 'grafana-dashboard.json',
      mime: 'application/json',
      content: `${JSON.stringify(dashboard, null, 2)}\n`,
    },
  ]
  if (broker.tlsCa !== null && input.broker?.caPem) {
    files.push({ name: CA_FILE, mime: 'application/x-pem-file', content: input.broker.caPem })
  }
  return files
}
