import type { TopicMapping } from './ecosystems/manual-mapping'
import type { Z2mRegistry } from './ecosystems/z2m-registry'
import type { HaRegistry } from './ha-registry'

/** What the parsers know besides the message itself. */
export interface ParseContext {
  /** Our firmware's topic prefix (settings.devices.prefix). */
  prefix: string
  /** Learned Home Assistant mappings; updated by discovery config messages. */
  ha: HaRegistry
  /** HA discovery prefix; 'homeassistant' unless configured otherwise. */
  haPrefix?: string
  /** What Zigbee2MQTT's bridge/devices list said; one is made on first use when absent. */
  z2m?: Z2mRegistry
  /** Topics mapped to a device and metric by hand (ingest.mappings), by exact topic. */
  mappings?: ReadonlyMap<string, TopicMapping>
}

export interface RawMessage {
  topic: string
  payload: Uint8Array
  receivedAt: number
}
