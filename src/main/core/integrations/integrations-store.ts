import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import {
  HomeAssistantConfig,
  InfluxConfigView,
  MqttTarget,
  type InfluxConfigInput,
  type IntegrationsView,
} from '../../../shared/contract/integrations'
import { ApiError } from '../../../shared/errors'
import { JsonStore, parseJsonDocument, type JsonDocument } from '../base/json-store'
import type { Logger } from '../base/logger'
import { plainCodec, SecretFile, type SecretCodec, type SecretFields } from '../base/secret-box'
import { SecretVault } from '../base/secret-vault'
import type { InfluxForwardConfig } from '../influx/influx-forwarder'

/**
 * The InfluxDB settings as integrations.json holds them. The password and token live in the
 * `integration` secret file (base/secret-box.ts) under INFLUX_SECRET_ID; files written
 * before that have them here in plain text, and they move out on load.
 */
const StoredInflux = InfluxConfigView.omit({ hasPassword: true, hasToken: true }).extend({
  password: z.string().nullable().optional(),
  token: z.string().nullable().optional(),
})
type StoredInflux = z.infer<typeof StoredInflux>

/** The InfluxDB settings with their secrets (an InfluxForwardConfig plus `enabled`). */
type SavedInflux = Omit<StoredInflux, 'password' | 'token'> & {
  password: string | null
  token: string | null
}

/** The secret file's entry for the InfluxDB credentials. */
export const INFLUX_SECRET_ID = 'influx'
const INFLUX_SECRET_FIELDS = ['password', 'token'] as const

function influxSecrets(influx: StoredInflux): SecretFields {
  const fields: SecretFields = {}
  for (const field of INFLUX_SECRET_FIELDS) {
    const value = influx[field]
    if (value) fields[field] = value
  }
  return fields
}

function withoutSecrets(influx: StoredInflux): StoredInflux {
  const copy = { ...influx }
  for (const field of INFLUX_SECRET_FIELDS) delete copy[field]
  return copy
}

/** Saved settings + their secrets: what the forwarder and the history store use. */
function withSecrets(influx: StoredInflux, secrets: SecretFields): SavedInflux {
  // Secrets still in the JSON (a file not yet migrated) win, as they do when load moves them.
  const plain = influxSecrets(influx)
  return {
    ...withoutSecrets(influx),
    password: plain.password ?? secrets.password ?? null,
    token: plain.token ?? secrets.token ?? null,
  }
}

/**
 * The saved InfluxDB connection with its secrets, read without taking either file over (the
 * history store at start-up, before IntegrationsStore loads; the CLI export). Defaults when
 * integrations.json is missing or unreadable, no secrets when the secret file is unreadable
 * (IntegrationsStore reports both problems itself).
 */
export function readSavedInflux(dataDir: string, codec?: SecretCodec): InfluxForwardConfig {
  let influx: StoredInflux
  try {
    const raw = readFileSync(join(dataDir, INTEGRATIONS_DOCUMENT.name), 'utf8')
    influx = parseJsonDocument(raw, INTEGRATIONS_DOCUMENT).value.influx
  } catch {
    influx = defaultIntegrations().influx
  }
  const loaded = new SecretFile(dataDir, codec ?? plainCodec, 'integration').loadSync()
  const secrets = loaded.ok ? (loaded.secrets.get(INFLUX_SECRET_ID) ?? {}) : {}
  return withSecrets(influx, secrets)
}

const IntegrationsFile = z.object({
  influx: StoredInflux,
  homeAssistant: HomeAssistantConfig,
  // Files from before the choice existed: automatic, as they behaved.
  mqtt: MqttTarget.default({ connectionId: null }),
})
type IntegrationsFile = z.infer<typeof IntegrationsFile>

/** `integrations.json` (also checked by the backup before a restore). */
export const INTEGRATIONS_DOCUMENT: JsonDocument<typeof IntegrationsFile> = {
  name: 'integrations.json',
  schema: IntegrationsFile,
  version: 1,
}

export function defaultIntegrations(): IntegrationsFile & { influx: InfluxForwardConfig } {
  return {
    influx: {
      enabled: false,
      version: '1',
      url: 'http://127.0.0.1:8086',
      database: 'iot',
      retentionPolicy: '',
      username: '',
      password: null,
      org: '',
      bucket: 'iot',
      token: null,
      measurement: 'iot',
      alertsMeasurement: 'iot_alerts',
      createDatabase: true,
      batchSize: 500,
      flushIntervalS: 5,
      maxQueueMB: 50,
    },
    homeAssistant: { enabled: false, discoveryPrefix: 'homeassistant' },
    mqtt: { connectionId: null },
  }
}

type Listener = (view: IntegrationsView) => void

/**
 * InfluxDB and Home Assistant settings in `<dataDir>/integrations.json`; the InfluxDB
 * password and token in the `integration` secret file, never in a view, event or log.
 */
export class IntegrationsStore {
  private readonly store: JsonStore<typeof IntegrationsFile>
  private readonly vault: SecretVault
  private readonly listeners = new Set<Listener>()

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    now: () => number,
    codec?: SecretCodec,
  ) {
    this.vault = new SecretVault({
      dataDir,
      domain: 'integration',
      logger,
      codec,
      now,
      lostHint:
        'The InfluxDB settings are kept; enter its password (or 2.x token) again under Integrations.',
    })
    this.store = new JsonStore({
      ...INTEGRATIONS_DOCUMENT,
      file: join(dataDir, INTEGRATIONS_DOCUMENT.name),
      defaults: defaultIntegrations,
      logger,
      now,
    })
  }

  get warnings(): readonly string[] {
    return [...this.store.warnings, ...this.vault.warnings]
  }

  async load(): Promise<void> {
    await this.store.load()
    await this.vault.load()
    const plain = influxSecrets(this.store.data.influx)
    if (Object.keys(plain).length === 0) return
    await this.vault.migrate('The InfluxDB password and token in integrations.json', async () => {
      this.vault.set(INFLUX_SECRET_ID, { ...this.vault.get(INFLUX_SECRET_ID), ...plain })
      // Secret file first: a crash in between leaves the secrets in both, never in neither.
      await this.vault.save()
      const influx = withoutSecrets(this.store.data.influx)
      await this.store.replace({ ...this.store.data, influx })
      this.logger.info('InfluxDB secrets moved out of integrations.json', {
        to: this.vault.codecName,
      })
    })
  }

  view(): IntegrationsView {
    const { password, token, ...influx } = this.influxSaved()
    return {
      influx: { ...influx, hasPassword: password !== null, hasToken: token !== null },
      homeAssistant: { ...this.store.data.homeAssistant },
      mqtt: { ...this.store.data.mqtt },
    }
  }

  /** The forwarder's configuration (with secrets), or null when forwarding is off. */
  influxTarget(): InfluxForwardConfig | null {
    return this.store.data.influx.enabled ? this.influxSaved() : null
  }

  /** The settings as saved, enabled or not (for "Test connection"). */
  influxSaved(): SavedInflux {
    return withSecrets(this.store.data.influx, this.vault.get(INFLUX_SECRET_ID))
  }

  homeAssistant(): HomeAssistantConfig {
    return this.store.data.homeAssistant
  }

  mqttTarget(): MqttTarget {
    return this.store.data.mqtt
  }

  async setMqttTarget(target: MqttTarget): Promise<IntegrationsView> {
    await this.save({ ...this.store.data, mqtt: MqttTarget.parse(target) })
    return this.view()
  }

  async setInflux(input: InfluxConfigInput): Promise<IntegrationsView> {
    const current = this.influxSaved()
    const { password, token, ...rest } = input
    const next = StoredInflux.parse({
      ...current,
      ...rest,
      password: password === undefined ? current.password : password === '' ? null : password,
      token: token === undefined ? current.token : token === '' ? null : token,
    })
    if (next.enabled && next.version === '2' && (next.org === '' || next.bucket === '')) {
      throw new ApiError('BAD_INPUT', 'InfluxDB 2.x needs an organisation and a bucket.')
    }
    this.vault.set(INFLUX_SECRET_ID, influxSecrets(next))
    await this.vault.save()
    await this.save({ ...this.store.data, influx: withoutSecrets(next) })
    return this.view()
  }

  async setHomeAssistant(patch: Partial<HomeAssistantConfig>): Promise<IntegrationsView> {
    const next = HomeAssistantConfig.parse({ ...this.store.data.homeAssistant, ...patch })
    await this.save({ ...this.store.data, homeAssistant: next })
    return this.view()
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private async save(next: IntegrationsFile): Promise<void> {
    await this.store.replace(next)
    const view = this.view()
    for (const listener of this.listeners) listener(view)
  }
}
