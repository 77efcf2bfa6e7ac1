import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseClusterFlags, type ClusterConfig } from '../core/cluster/cluster-config'
import type { HistoryOverrides } from '../core/readings/history-choice'
import { HISTORY_USAGE, parseHistoryFlags } from '../core/readings/history-flags'
import { generateToken } from './auth'

export interface ServeOptions {
  host: string
  port: number
  dataDir: string
  token: string
  /** MQTT flags; undefined fields fall back to the saved settings. */
  mqtt: {
    brokerEnabled?: boolean
    brokerPort?: number
    anonymousLoopback?: boolean
    externalUrl?: string
  }
  /** `--role` and friends: this instance's part among several on one broker. */
  cluster: ClusterConfig
  /** `--history` and `--influx-*`: where readings history lives (over the settings). */
  history: HistoryOverrides
}

export const SERVE_USAGE = `Usage: npm run serve -- [options]

  --host HOST        address to bind (default 127.0.0.1; 0.0.0.0 to reach it from the LAN)
  --port N           HTTP port (default 5180; 0 = any free port)
  --data-dir DIR     where settings, devices and readings live
  --token TOKEN      access token (default: $IOTCC_TOKEN or a random one)
  --broker-port N    embedded MQTT broker TCP port (default from settings, 1883; 0 = any free port)
  --no-broker        don't run the embedded broker (use --mqtt-url for an external one)
  --mqtt-url URL     also connect to this broker, e.g. mqtt://user:pass@192.168.1.10:1883
                     (or $IOTCC_MQTT_URL, which keeps a password out of the process list)
  --anonymous-loopback
                     let clients on 127.0.0.1 connect to the embedded broker without a password
  --role ROLE        all (default) | ingest | view: several instances on one broker
                     (needs --mqtt-url; README "Scaling out")
  --share-group NAME shared-subscription group of the ingest instances (default iotcc)
  --instance-id ID   name of this instance in logs, client ids and leader claims
                     (default HOST-PID)
  --leader-keepalive S
                     keepalive of the alert leader's connection (default 30): the broker
                     drops a leader that stops answering after 1.5 × S (Mosquitto 2.0: up to
                     about 3 × S) and another instance takes over at once
  --loss-window S    a reading the alert leader saw that no ingest instance acknowledged
                     as stored within S seconds (default 5) counts as lost
${HISTORY_USAGE}  --help             show this help
`

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share')
  return join(base, 'esp32-iot-control-center')
}

function parsePort(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${flag} must be a whole number from 0 to 65535 (got "${value}").`)
  }
  return port
}

/** Parses web-mode flags; throws an Error with a readable message on bad input. */
export function parseServeOptions(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): ServeOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
      'broker-port': { type: 'string' },
      'no-broker': { type: 'boolean' },
      'mqtt-url': { type: 'string' },
      'anonymous-loopback': { type: 'boolean' },
      role: { type: 'string' },
      'share-group': { type: 'string' },
      'instance-id': { type: 'string' },
      'leader-keepalive': { type: 'string' },
      'loss-window': { type: 'string' },
      history: { type: 'string' },
      'influx-url': { type: 'string' },
      'influx-version': { type: 'string' },
      'influx-org': { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) return 'help'
  const token = values.token ?? env.IOTCC_TOKEN ?? generateToken()
  if (token.length < 8) throw new Error('--token must be at least 8 characters.')
  const mqtt = parseMqttFlags(values, env)
  const cluster = parseClusterFlags(values, env, mqtt.externalUrl !== undefined)
  // Ingest and view instances share the external broker; none runs its own.
  if (cluster.role !== 'all') {
    if (mqtt.brokerPort !== undefined)
      throw new Error(`--broker-port and --role ${cluster.role} contradict each other.`)
    mqtt.brokerEnabled = false
  }
  return {
    host: values.host ?? '127.0.0.1',
    port: parsePort(values.port, 5180, '--port'),
    dataDir: values['data-dir'] ?? defaultDataDir(env),
    token,
    mqtt,
    cluster,
    history: parseHistoryFlags(values, env),
  }
}

function parseMqttFlags(
  values: {
    'broker-port'?: string
    'no-broker'?: boolean
    'mqtt-url'?: string
    'anonymous-loopback'?: boolean
  },
  env: NodeJS.ProcessEnv,
): ServeOptions['mqtt'] {
  const url = values['mqtt-url'] ?? (env.IOTCC_MQTT_URL || undefined)
  if (url !== undefined && !/^(mqtts?|wss?):\/\/[^/\s]+/.test(url)) {
    // Never echo credentials: show the URL with any user:password@ part masked.
    const shown = url.replace(/\/\/[^@/\s]*@/, '//***@')
    throw new Error(
      `--mqtt-url must look like mqtt://host:1883 (or mqtts://, ws://, wss://), got "${shown}".`,
    )
  }
  if (values['no-broker'] && values['broker-port'] !== undefined) {
    throw new Error('--broker-port and --no-broker contradict each other.')
  }
  return {
    brokerEnabled: values['no-broker'] ? false : undefined,
    brokerPort:
      values['broker-port'] === undefined
        ? undefined
        : parsePort(values['broker-port'], 1883, '--broker-port'),
    anonymousLoopback: values['anonymous-loopback'] ? true : undefined,
    externalUrl: url,
  }
}
