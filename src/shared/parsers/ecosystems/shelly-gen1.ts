/**
 * Shelly Gen1 MQTT (shelly-api-docs.shelly.cloud/gen1 "MQTT"): every device publishes under
 * `shellies/<model>-<deviceid>/`, one plain value per topic:
 *   shellies/shellyht-<id>/sensor/temperature   `21.50`  (H&T, in the unit set on the device; °C by default)
 *   shellies/shellyht-<id>/sensor/humidity      `45.5`
 *   shellies/shellyht-<id>/sensor/battery       `98`
 *   shellies/<id>/online                        `true` / `false` (retained Last Will)
 *   shellies/<id>/announce, shellies/announce   {"id","model","mac","ip","fw_ver",…}
 *   shellies/<id>/relay/<i>/power               W;  …/relay/<i>/energy  watt-minutes
 *   shellies/<id>/emeter/<i>/power|voltage|current   W, V, A;  …/emeter/<i>/total  Wh
 *   shellies/<id>/ext_temperature/<i>, ext_humidity/<i>   add-on sensors
 *   shellies/<id>/temperature                   the device's own internal temperature
 * Channel 0 gets the plain metric name, channel i > 0 a suffix (`power_1`). Commands
 * (`…/command`) and text states (`relay/0` = `on`) are ignored. The device id is the
 * Shelly id (`shellyht-6A3F1B`), the same a Gen2 device's topic prefix gives.
 */
import { deviceIdFromTopic } from '../../topics'
import { readInfo } from '../ours'
import { isPlainObject, metricForKey, parseJson, parseNumber, shortString } from '../text'
import { ignored, parsed, unparsed, type ParseOutcome, type ReportedInfo } from '../types'

export const SHELLY_GEN1_BASE = 'shellies'

export function parseShellyGen1(levels: readonly string[], text: string): ParseOutcome {
  if (levels.length === 2 && levels[1] === 'announce') return parseAnnounce(null, text)
  if (levels.length < 3 || levels[1] === '') return ignored('Shelly topic we do not read')
  const shellyId = levels[1]!
  const deviceId = deviceIdFromTopic(shellyId)
  const rest = levels.slice(2)
  const last = rest[rest.length - 1]!
  if (last === 'command' || rest[0] === 'command') return ignored('command to a Shelly')
  if (text.trim() === '') return ignored('cleared retained Shelly topic')
  if (rest.length === 1 && last === 'online') return parseOnline(deviceId, text)
  if (rest.length === 1 && last === 'announce') return parseAnnounce(deviceId, text)
  const target = metricOf(rest)
  if (target === null) return ignored('Shelly topic we do not read')
  const number = parseNumber(text)
  if (!number.ok) {
    if (number.nonFinite) return unparsed('non-finite', `Shelly value is ${text.trim()}`)
    return ignored('Shelly state without a number')
  }
  return parsed({
    deviceId,
    format: 'shelly',
    readings: [{ metric: target.metric, value: number.value * target.scale }],
  })
}

/** Topic levels after the Shelly id → metric and the factor to its canonical unit. */
function metricOf(rest: readonly string[]): { metric: string; scale: number } | null {
  const [group, a, b] = rest
  const channel = (name: string, index: string | undefined): string | null => {
    if (index === undefined || !/^\d{1,2}$/.test(index)) return null
    return index === '0' ? name : `${name}_${index}`
  }
  if (rest.length === 1 && group === 'temperature')
    return { metric: 'device_temperature', scale: 1 }
  if (rest.length === 2 && group === 'sensor' && a !== undefined) {
    if (a === 'error' || a === 'act_reasons' || a === 'charger') return null
    const mapped = metricForKey(a)
    return mapped === null ? null : { metric: mapped.metric, scale: 1 }
  }
  if (rest.length === 2 && (group === 'ext_temperature' || group === 'ext_humidity')) {
    const metric = channel(group === 'ext_temperature' ? 'temperature' : 'humidity', a)
    return metric === null ? null : { metric, scale: 1 }
  }
  if (rest.length === 3 && (group === 'relay' || group === 'meter' || group === 'emeter')) {
    // Gen1 counts relay/meter energy in watt-minutes and the emeter total in Wh: both → kWh.
    if (b === 'power' || b === 'voltage' || b === 'current') {
      const metric = channel(b, a)
      return metric === null ? null : { metric, scale: 1 }
    }
    if ((b === 'energy' && group !== 'emeter') || (b === 'total' && group === 'emeter')) {
      const metric = channel('energy', a)
      return metric === null ? null : { metric, scale: b === 'energy' ? 1 / 60_000 : 1 / 1000 }
    }
  }
  return null
}

function parseOnline(deviceId: string, text: string): ParseOutcome {
  const word = text.trim().toLowerCase()
  if (word !== 'true' && word !== 'false')
    return unparsed('bad-status', 'Shelly online must be true or false')
  return parsed({ deviceId, format: 'shelly', readings: [], online: word === 'true' })
}

/** `announce`: {"id":"shellyht-6A3F1B","model":"SHHT-1","mac":"…","ip":"…","fw_ver":"…"}. */
function parseAnnounce(deviceId: string | null, text: string): ParseOutcome {
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  if (!isPlainObject(json.value)) return unparsed('unrecognised', 'announce must be a JSON object')
  const id = shortString(json.value.id, 64)
  const resolved = deviceId ?? (id === undefined ? null : deviceIdFromTopic(id))
  if (resolved === null) return unparsed('unrecognised', 'announce without an id')
  const info: ReportedInfo = readInfo({
    ip: json.value.ip,
    mac: json.value.mac,
    fw: json.value.fw_ver,
    chip: json.value.model,
    name: id,
  })
  return parsed({ deviceId: resolved, format: 'shelly', readings: [], info })
}
