/**
 * Home Assistant MQTT discovery configs for our devices (HA docs: "MQTT" → "MQTT Discovery",
 * and "MQTT Sensor" for the config variables). Topic:
 *   <discovery_prefix>/sensor/<node_id>/<object_id>/config
 * Payload: an MQTT sensor whose state is read from our telemetry JSON, whose availability
 * is our retained status topic (birth `online`, Last Will `offline`) when the board has sent
 * one, tied to one HA device per board via `device.identifiers`.
 */
import type { Device } from '../../../shared/contract/devices'
import type { SourceFormat } from '../../../shared/parsers/types'
import { ourTopics } from '../../../shared/topics'

/** Marks formats only this app reads: HA needs a sensor made by hand for them. */
const BY_HAND = 'by hand'

export const APP_NAME = 'ESP32 IoT Control Center'

/** What HA calls each metric: device_class and unit are from HA's sensor device classes. */
const ENTITIES = {
  temperature: { name: 'Temperature', deviceClass: 'temperature', unit: '°C', precision: 1 },
  humidity: { name: 'Humidity', deviceClass: 'humidity', unit: '%', precision: 0 },
} as const
export type HaMetric = keyof typeof ENTITIES
export const HA_METRICS = Object.keys(ENTITIES) as HaMetric[]

export interface DiscoveryMessage {
  topic: string
  payload: Record<string, unknown>
}

/** node_id and object_id may only use [a-zA-Z0-9_-] (HA docs, discovery topic format). */
export function haNodeId(deviceId: string): string {
  return deviceId.replace(/[^A-Za-z0-9_-]/g, '_')
}

export function discoveryTopic(
  discoveryPrefix: string,
  deviceId: string,
  metric: HaMetric,
): string {
  return `${discoveryPrefix}/sensor/${haNodeId(deviceId)}/${metric}/config`
}

/**
 * Why a device of each format gets no discovery config from us: ecosystems that announce
 * themselves (or have their own HA integration) are pointed there; formats that only we read
 * need a hand-made MQTT sensor. One entry per format, so a new format must say which it is.
 */
const SKIP_BY_FORMAT: Record<SourceFormat, string | null> = {
  ours: null,
  tasmota: 'Tasmota devices have their own Home Assistant integration',
  homeassistant: 'already announced to Home Assistant by itself',
  esphome:
    'ESPHome nodes announce themselves to Home Assistant (their own MQTT discovery, or HA’s ESPHome integration)',
  shelly: 'Shelly devices have their own Home Assistant integration (Shelly)',
  zigbee2mqtt:
    'Zigbee2MQTT announces its devices to Home Assistant itself (homeassistant: true in its configuration)',
  ble: 'BLE gateways (OpenMQTTGateway, Theengs) announce their sensors to Home Assistant themselves (their discovery setting)',
  seed: BY_HAND,
  json: BY_HAND,
  number: BY_HAND,
  mapped: BY_HAND,
}

/** Why a device gets no discovery config, or null when it gets one. */
export function skipReason(device: Device): string | null {
  const skip = SKIP_BY_FORMAT[device.format]
  if (skip === BY_HAND) {
    const topic = device.topics[0]
    return `publishes on its own topic, not ours: add it to Home Assistant as an MQTT sensor by hand${topic ? ` (state topic ${topic})` : ''}`
  }
  if (skip !== null) return skip
  if (!HA_METRICS.some((m) => device.latest[m] !== undefined)) {
    return 'no temperature or humidity readings yet'
  }
  return null
}

function deviceBlock(device: Device): Record<string, unknown> {
  const model = [device.info.chip ?? 'ESP32', device.info.sensor].filter(Boolean).join(' + ')
  const block: Record<string, unknown> = {
    identifiers: [`iotcc_${device.id}`],
    name: device.name,
    manufacturer: 'Espressif',
    model,
  }
  if (device.info.fw) block.sw_version = device.info.fw
  if (device.info.mac) block.connections = [['mac', device.info.mac.toLowerCase()]]
  if (device.location) block.suggested_area = device.location
  return block
}

/**
 * Availability only for a board that has sent a status (birth message or Last Will): HA
 * marks an entity with an `availability_topic` unavailable until that topic says `online`,
 * so a board heard only through telemetry would show no values. Once it sends a status its
 * presence becomes 'status', the payload changes, and HaDiscovery republishes it.
 */
function availability(device: Device, statusTopic: string): Record<string, string> {
  if (device.presence !== 'status') return {}
  return {
    availability_topic: statusTopic,
    payload_available: 'online',
    payload_not_available: 'offline',
  }
}

/** The discovery messages for one device (empty when skipReason says so). */
export function discoveryMessages(
  device: Device,
  options: { discoveryPrefix: string; prefix: string; appVersion: string },
): DiscoveryMessage[] {
  if (skipReason(device) !== null) return []
  const topics = ourTopics(options.prefix, device.id)
  return HA_METRICS.filter((m) => device.latest[m] !== undefined).map((metric) => {
    const e = ENTITIES[metric]
    return {
      topic: discoveryTopic(options.discoveryPrefix, device.id, metric),
      payload: {
        name: e.name,
        unique_id: `iotcc_${haNodeId(device.id)}_${metric}`,
        state_topic: topics.telemetry,
        value_template: `{{ value_json.${metric} }}`,
        device_class: e.deviceClass,
        unit_of_measurement: e.unit,
        state_class: 'measurement',
        suggested_display_precision: e.precision,
        ...availability(device, topics.status),
        qos: 1,
        device: deviceBlock(device),
        origin: { name: APP_NAME, sw_version: options.appVersion },
      },
    }
  })
}
