/**
 * Home Assistant MQTT discovery (HA docs "MQTT Discovery", "MQTT Sensor", "MQTT
 * availability"). A retained config on `homeassistant/sensor/[<node>/]<object>/config`
 * names a state_topic (+ value_template, unit_of_measurement, device_class) and optional
 * availability topics; we learn that mapping and then read those topics. Abbreviated keys
 * (`stat_t`, `val_tpl`, `dev`, `ids`, …) and the `~` base topic are expanded as HA does.
 * Only the `sensor` component carries readings; other components are ignored.
 */
import { deviceIdFromTopic } from '../topics'
import { esphomeDeviceId, esphomeNodeOfConfig } from './ecosystems/esphome'
import { CELSIUS_METRICS, unitFactor } from './ecosystems/metric-names'
import { compileTemplate, evaluateTemplate } from './ha-template'
import type { HaAvailability, HaEntity, HaRegistry } from './ha-registry'
import {
  fahrenheitToCelsius,
  isPlainObject,
  metricForKey,
  parseJson,
  parseNumber,
  pickInfo,
  shortString,
  slugMetric,
} from './text'
import {
  ignored,
  parsed,
  unparsed,
  type DeviceUpdate,
  type ParseOutcome,
  type SourceFormat,
} from './types'

const ABBREVIATIONS: Record<string, string> = {
  stat_t: 'state_topic',
  val_tpl: 'value_template',
  unit_of_meas: 'unit_of_measurement',
  dev_cla: 'device_class',
  avty_t: 'availability_topic',
  avty: 'availability',
  pl_avail: 'payload_available',
  pl_not_avail: 'payload_not_available',
  uniq_id: 'unique_id',
  obj_id: 'object_id',
  dev: 'device',
  ids: 'identifiers',
  cns: 'connections',
  mdl: 'model',
  mf: 'manufacturer',
  sw: 'sw_version',
  t: 'topic',
}

/** Expands abbreviated keys one level deep (device, availability entries) and `~` topics. */
function expand(
  object: Record<string, unknown>,
  base: string | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue
    let value = object[key]
    if (
      typeof value === 'string' &&
      base !== undefined &&
      (key.endsWith('_t') || key.endsWith('_topic') || key === 't' || key === 'topic')
    ) {
      value = value.startsWith('~')
        ? base + value.slice(1)
        : value.endsWith('~')
          ? value.slice(0, -1) + base
          : value
    }
    out[ABBREVIATIONS[key] ?? key] = value
  }
  return out
}

/** Is this topic read by a native parser (ours, Tasmota)? Then a HA config for it is not needed. */
export type NativeTopic = (topic: string) => boolean

/** Learns or forgets one entity from a discovery config message. */
export function parseHaConfig(
  configTopic: string,
  parts: { component: string; nodeId: string | null; objectId: string },
  text: string,
  registry: HaRegistry,
  isNative: NativeTopic,
): ParseOutcome {
  if (text.trim() === '') {
    return ignored(registry.forget(configTopic) ? 'HA entity removed' : 'cleared HA config')
  }
  if (parts.component !== 'sensor')
    return ignored(`HA component "${parts.component}" carries no readings`)
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  if (!isPlainObject(json.value)) return unparsed('bad-ha-config', 'config must be a JSON object')
  const raw = json.value
  const config = expand(raw, typeof raw['~'] === 'string' ? raw['~'] : undefined)
  const stateTopic = config.state_topic
  if (
    typeof stateTopic !== 'string' ||
    stateTopic === '' ||
    /[#+]/.test(stateTopic) ||
    stateTopic.length > 512
  ) {
    return unparsed('bad-ha-config', 'config has no usable state_topic')
  }
  if (isNative(stateTopic)) {
    registry.forget(configTopic)
    return ignored('HA config for a topic read natively')
  }
  const device = isPlainObject(config.device) ? expand(config.device, undefined) : {}
  // An ESPHome node's entities are the node's device, whether or not it sends discovery.
  const availability = availabilityOf(config)
  const node = esphomeNodeOfConfig(
    stateTopic,
    device,
    availability.map((a) => a.topic),
  )
  const deviceId =
    node !== null ? esphomeDeviceId(node) : haDeviceId(device, parts.nodeId, stateTopic)
  const format: SourceFormat = node !== null ? 'esphome' : 'homeassistant'
  const info = pickInfo({
    name: [device.name, config.name],
    fw: [device.sw_version],
    chip: [device.model],
  })

  // device_class names map to the catalog's metrics (carbon_dioxide → co2, …).
  const deviceClass = metricForKey(shortString(config.device_class) ?? '')?.metric ?? null
  let metric = deviceClass ?? slugMetric(shortString(config.object_id) ?? parts.objectId) ?? 'value'
  if (registry.metricTaken(deviceId, metric, configTopic))
    metric = slugMetric(parts.objectId) ?? metric
  const unit = shortString(config.unit_of_measurement, 16) ?? ''
  const template =
    typeof config.value_template === 'string'
      ? (compileTemplate(config.value_template) ?? 'unsupported')
      : null
  const entity: HaEntity = {
    configTopic,
    deviceId,
    metric,
    stateTopic,
    template,
    fahrenheit: CELSIUS_METRICS.has(metric) && (unit === '°F' || unit === '℉' || unit === 'F'),
    scale: unitFactor(metric, unit),
    availability,
    info,
    format,
  }
  if (!registry.learn(entity)) return ignored('too many HA entities; config not learned')
  return parsed({ deviceId, format, readings: [], info })
}

/** Device id: first identifier, else first connection (e.g. a MAC), else node id, else state topic. */
function haDeviceId(
  device: Record<string, unknown>,
  nodeId: string | null,
  stateTopic: string,
): string {
  const ids = device.identifiers
  const first = Array.isArray(ids) ? ids[0] : ids
  const identifier = shortString(first, 128)
  if (identifier !== undefined) return deviceIdFromTopic(identifier)
  const connections = device.connections
  if (Array.isArray(connections) && Array.isArray(connections[0])) {
    const connection = shortString(connections[0][1], 128)
    if (connection !== undefined) return deviceIdFromTopic(connection)
  }
  return deviceIdFromTopic(nodeId ?? stateTopic)
}

function availabilityOf(config: Record<string, unknown>): HaAvailability[] {
  const on = shortString(config.payload_available, 64) ?? 'online'
  const off = shortString(config.payload_not_available, 64) ?? 'offline'
  const out: HaAvailability[] = []
  if (typeof config.availability_topic === 'string') {
    out.push({ topic: config.availability_topic, available: on, notAvailable: off })
  }
  if (Array.isArray(config.availability)) {
    for (const item of config.availability.slice(0, 8)) {
      if (!isPlainObject(item)) continue
      const entry = expand(item, undefined)
      if (typeof entry.topic !== 'string') continue
      out.push({
        topic: entry.topic,
        available: shortString(entry.payload_available, 64) ?? on,
        notAvailable: shortString(entry.payload_not_available, 64) ?? off,
      })
    }
  }
  return out.filter((a) => a.topic !== '' && !/[#+]/.test(a.topic))
}

/** A message on a learned state or availability topic; null when no entity claims the topic. */
export function parseHaState(
  topic: string,
  text: string,
  registry: HaRegistry,
): ParseOutcome | null {
  const states = registry.forStateTopic(topic)
  const availabilities = registry.forAvailabilityTopic(topic)
  if (states.length === 0 && availabilities.length === 0) return null
  const updates = new Map<string, DeviceUpdate>()
  const updateFor = ({ deviceId, format }: HaEntity): DeviceUpdate => {
    let update = updates.get(deviceId)
    if (!update) updates.set(deviceId, (update = { deviceId, format, readings: [] }))
    return update
  }
  const payload = text.trim()
  for (const entity of availabilities) {
    for (const a of entity.availability) {
      if (a.topic !== topic) continue
      if (payload === a.available) updateFor(entity).online = true
      else if (payload === a.notAvailable) updateFor(entity).online = false
    }
  }
  let unsupported = 0
  for (const entity of states) {
    if (entity.template === 'unsupported') {
      unsupported++
      continue
    }
    let value: number | null
    if (entity.template === null) {
      const n = parseNumber(payload)
      value = n.ok ? n.value : null
    } else value = evaluateTemplate(entity.template, text)
    if (value === null) continue
    const celsius = entity.fahrenheit ? fahrenheitToCelsius(value) : value * entity.scale
    const update = updateFor(entity)
    if (!update.readings.some((r) => r.metric === entity.metric))
      update.readings.push({ metric: entity.metric, value: celsius })
  }
  if (updates.size > 0) return parsed(...updates.values())
  if (states.length === 0)
    return unparsed('bad-status', 'availability payload matches neither configured value')
  if (unsupported === states.length)
    return unparsed('unsupported-template', 'value_template outside the supported subset')
  return unparsed('template-no-value', 'no value at the configured template path')
}
