/**
 * Zigbee2MQTT (zigbee2mqtt.io "MQTT Topics and Messages"), default base topic `zigbee2mqtt`:
 *   zigbee2mqtt/<friendly name>               the device's state, always a JSON object
 *                                             {"temperature":27.34,"humidity":44.72,"battery":97,"linkquality":120}
 *   zigbee2mqtt/<friendly name>/availability  `{"state":"online"}` (or legacy `online`/`offline`)
 *   zigbee2mqtt/<friendly name>/set|get[/…]   commands to the device: ignored
 *   zigbee2mqtt/bridge/devices                retained list of devices: names, models, exposes
 *   zigbee2mqtt/bridge/…                      the bridge's own state, logs and API: ignored
 * A friendly name may itself contain `/` ("kitchen/floor_light"), so everything between
 * the base topic and a trailing availability/set/get is the name. The device id is the
 * topic's (`zigbee2mqtt.kitchen.floor_light`), the same id a plain-JSON reading of the
 * topic would have had. Booleans and strings (`occupancy`, `state`, `action`) carry no
 * number and are skipped; `last_seen` is metadata.
 */
import { deviceIdFromTopic } from '../../topics'
import { readFlatJson } from '../generic'
import { isPlainObject, metricForKey, parseJson, presenceWord, shortString } from '../text'
import {
  ignored,
  parsed,
  unparsed,
  type ParseOutcome,
  type ParsedReading,
  type ReportedInfo,
} from '../types'
import { unitFactor } from './metric-names'
import type { Z2mDevice, Z2mRegistry } from './z2m-registry'

export const Z2M_BASE = 'zigbee2mqtt'
const COMMANDS = new Set(['set', 'get'])
const SKIP = new Set(['last_seen', 'update_available'])

export function parseZigbee2mqtt(
  levels: readonly string[],
  text: string,
  registry: Z2mRegistry,
  receivedAt: number,
): ParseOutcome {
  if (levels.length < 2 || levels[1] === '') return ignored('Zigbee2MQTT base topic')
  if (levels[1] === 'bridge') {
    if (levels.length === 3 && levels[2] === 'devices') return parseDeviceList(text, registry)
    return ignored('Zigbee2MQTT bridge topic')
  }
  const last = levels[levels.length - 1]!
  const commandAt = levels.findIndex((level, i) => i >= 2 && COMMANDS.has(level))
  if (commandAt >= 0) return ignored('command to a Zigbee device')
  const availability = last === 'availability' && levels.length >= 3
  const name = levels.slice(1, availability ? -1 : undefined).join('/')
  const deviceId = deviceIdFromTopic(`${Z2M_BASE}/${name}`)
  const known = registry.get(name)
  const info = infoOf(name, known)
  if (text.trim() === '') return ignored('cleared retained Zigbee2MQTT topic')
  if (availability) return parseAvailability(deviceId, text, info)
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  if (!isPlainObject(json.value))
    return unparsed('unrecognised', 'Zigbee2MQTT state must be a JSON object')
  const object = json.value
  const readings = readFlatJson(object, receivedAt).readings.filter((r) => !SKIP.has(r.metric))
  // Older converters send both a raw `illuminance` and `illuminance_lux`: keep the lux one.
  const lux = readings.find((r) => r.metric === 'illuminance')
  if (lux && typeof object.illuminance_lux === 'number') lux.value = object.illuminance_lux
  for (const reading of readings) fixUnit(reading, known)
  if (readings.length === 0)
    return ignored('Zigbee2MQTT state without numeric fields (switch, button, contact)')
  return parsed({ deviceId, format: 'zigbee2mqtt', readings, info })
}

/**
 * Into the catalog's unit by what the device's exposes say (a battery sensor's `voltage` is
 * in mV). Without a device list, a voltage of 1000 or more is taken for mV: no Zigbee device
 * measures kilovolts, and mains plugs report about 230 V.
 */
function fixUnit(reading: ParsedReading, known: Z2mDevice | undefined): void {
  const unit = known?.units.get(reading.metric)
  if (unit === undefined && reading.metric === 'voltage' && reading.value >= 1000)
    reading.value = reading.value / 1000
  else reading.value = reading.value * unitFactor(reading.metric, unit)
}

function parseAvailability(deviceId: string, text: string, info: ReportedInfo): ParseOutcome {
  // {"state":"online"} since Zigbee2MQTT 2.0; the bare word with legacy_availability_payload.
  let word = text
  if (text.trim().startsWith('{')) {
    const json = parseJson(text)
    if (!json.ok) return unparsed(json.reason, json.detail)
    const state = isPlainObject(json.value) ? json.value.state : undefined
    word = typeof state === 'string' ? state : ''
  }
  const online = presenceWord(word)
  if (online === null) return unparsed('bad-status', 'availability must be online or offline')
  return parsed({ deviceId, format: 'zigbee2mqtt', readings: [], online, info })
}

function infoOf(name: string, known: Z2mDevice | undefined): ReportedInfo {
  const info: ReportedInfo = { name: name.slice(0, 64) }
  if (known === undefined) return info
  const model = [known.vendor, known.model].filter((s) => s !== undefined).join(' ')
  if (model !== '') info.chip = model.slice(0, 64)
  if (known.description !== undefined) info.sensor = known.description
  if (/^0x[0-9a-f]{16}$/i.test(known.ieeeAddress)) info.mac = known.ieeeAddress
  return info
}

/** The retained device list: learn names, models and units; every end device gets its info. */
function parseDeviceList(text: string, registry: Z2mRegistry): ParseOutcome {
  if (text.trim() === '') return ignored('cleared Zigbee2MQTT device list')
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  if (!Array.isArray(json.value))
    return unparsed('unrecognised', 'bridge/devices must be a JSON array')
  const devices: Z2mDevice[] = []
  for (const item of json.value.slice(0, 2000)) {
    if (!isPlainObject(item) || item.type === 'Coordinator') continue
    const friendlyName = shortString(item.friendly_name, 256)
    const ieeeAddress = shortString(item.ieee_address, 32)
    if (friendlyName === undefined || ieeeAddress === undefined) continue
    const definition = isPlainObject(item.definition) ? item.definition : {}
    const device: Z2mDevice = { friendlyName, ieeeAddress, units: unitsOf(definition.exposes) }
    const model = shortString(definition.model)
    if (model !== undefined) device.model = model
    const vendor = shortString(definition.vendor)
    if (vendor !== undefined) device.vendor = vendor
    const description = shortString(definition.description)
    if (description !== undefined) device.description = description
    devices.push(device)
  }
  registry.replace(devices)
  if (devices.length === 0) return ignored('Zigbee2MQTT device list without end devices')
  return parsed(
    ...devices.slice(0, 500).map((d) => ({
      deviceId: deviceIdFromTopic(`${Z2M_BASE}/${d.friendlyName}`),
      format: 'zigbee2mqtt' as const,
      readings: [],
      info: infoOf(d.friendlyName, d),
    })),
  )
}

/** `exposes`: a list of {property, unit} and composites with `features`; two levels read. */
function unitsOf(exposes: unknown): Map<string, string> {
  const units = new Map<string, string>()
  const visit = (list: unknown, depth: number): void => {
    if (!Array.isArray(list) || depth > 1) return
    for (const expose of list.slice(0, 64)) {
      if (!isPlainObject(expose)) continue
      const property = shortString(expose.property)
      const unit = shortString(expose.unit, 16)
      // Keyed by metric name, as readings are (`illuminance_lux` → illuminance).
      if (property !== undefined && unit !== undefined)
        units.set(metricForKey(property)?.metric ?? property, unit)
      visit(expose.features, depth + 1)
    }
  }
  visit(exposes, 0)
  return units
}
