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
import { JsonStore, type JsonDocument } from '../base/json-store'
import type { Logger } from '../base/logger'
import type { InfluxForwardConfig } from '../influx/influx-forwarder'

const StoredInflux = InfluxConfigView.omit({ hasPassword: true, hasToken: true }).extend({
  password: z.string().nullable(),
  token: z.string().nullable(),
})
type StoredInflux = z.infer<typeof StoredInflux>

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

export function defaultIntegrations(): IntegrationsFile {
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

/** InfluxDB and Home Assistant settings in `<dataDir>/integrations.json`; secrets stay in main. */
export class IntegrationsStore {
  private readonly store: JsonStore<typeof IntegrationsFile>
  private readonly listeners = new Set<Listener>()

  constructor(dataDir: string, logger: Logger, now: () => number) {
    this.store = new JsonStore({
      ...INTEGRATIONS_DOCUMENT,
      file: join(dataDir, INTEGRATIONS_DOCUMENT.name),
      defaults: defaultIntegrations,
      logger,
      now,
    })
  }

  get warnings(): readonly string[] {
    return this.store.warnings
  }

  async load(): Promise<void> {
    await this.store.load()
  }

  view(): IntegrationsView {
    const { password, token, ...influx } = this.store.data.influx
    return {
      influx: { ...influx, hasPassword: password !== null, hasToken: token !== null },
      homeAssistant: { ...this.store.data.homeAssistant },
      mqtt: { ...this.store.data.mqtt },
    }
  }

  /** The forwarder's configuration (with secrets), or null when forwarding is off. */
  influxTarget(): InfluxForwardConfig | null {
    const influx = this.store.data.influx
    return influx.enabled ? { ...influx } : null
  }

  /** The settings as saved, enabled or not (for "Test connection"). */
  influxSaved(): InfluxForwardConfig {
    return { ...this.store.data.influx }
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
    const current = this.store.data.influx
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
    await this.save({ ...this.store.data, influx: next })
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
