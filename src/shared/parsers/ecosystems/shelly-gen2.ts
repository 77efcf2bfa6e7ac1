/**
 * Shelly Gen2/Gen3/Gen4 MQTT (shelly-api-docs.shelly.cloud/gen2 "Notifications", "MQTT"):
 * the topic prefix defaults to the device id `<model>-<mac>` (`shellyplusht-08b61fcb7f3c`):
 *   <prefix>/events/rpc           {"src":"…","method":"NotifyStatus"|"NotifyFullStatus","params":{"ts":…,"temperature:0":{"id":0,"tC":21.3,"tF":70.3},…}}
 *   <prefix>/status/<component>   the component's status object ("generic status update"), e.g. status/humidity:0 {"id":0,"rh":45.2}
 *   <prefix>/online               `true` / `false` (Last Will)
 * Components read: temperature:N {tC}, humidity:N {rh}, devicepower:N {battery:{V,percent}},
 * illuminance:N {lux}, switch:N / pm1:N / em1:N {apower, voltage, current, aenergy:{total Wh}},
 * wifi {rssi} (as device info). Instance N > 0 gets a suffix (`temperature_1`).
 * NotifyEvent (button pushes) carries no readings and is ignored.
 */
import { deviceIdFromTopic } from '../../topics'
import { isPlainObject, jsonNumber, parseJson, plausibleTs, shortString } from '../text'
import {
  ignored,
  parsed,
  unparsed,
  type DeviceUpdate,
  type ParseOutcome,
  type ParsedReading,
} from '../types'

const COMPONENT = /^([a-z0-9_]{1,32})(?::(\d{1,3}))?$/

/** `<prefix>/events/rpc`, `<prefix>/status/<component>` and `<prefix>/online`. */
export function parseShellyGen2(
  levels: readonly string[],
  text: string,
  receivedAt: number,
): ParseOutcome | null {
  const n = levels.length
  const last = levels[n - 1]!
  if (last === 'online') {
    if (n < 2) return null
    const word = text.trim()
    // Other devices use `…/online` too; only Shelly's true/false is claimed here.
    if (word !== 'true' && word !== 'false') return null
    return parsed({ ...base(levels.slice(0, -1)), online: word === 'true' })
  }
  if (n >= 3 && levels[n - 2] === 'events' && last === 'rpc') {
    return parseRpcNotification(levels.slice(0, -2), text, receivedAt)
  }
  if (n >= 3 && levels[n - 2] === 'status') {
    const component = COMPONENT.exec(last)
    if (component === null) return null
    const json = parseJson(text)
    if (!json.ok) return unparsed(json.reason, json.detail)
    if (!isPlainObject(json.value)) return null
    const update = base(levels.slice(0, -2))
    readComponent(update, last, json.value)
    if (update.readings.length === 0 && update.info === undefined)
      return ignored(`Shelly ${last} status without readings`)
    return parsed(update)
  }
  return null
}

function base(prefix: readonly string[]): DeviceUpdate {
  return { deviceId: deviceIdFromTopic(prefix.join('/')), format: 'shelly', readings: [] }
}

function parseRpcNotification(
  prefix: readonly string[],
  text: string,
  receivedAt: number,
): ParseOutcome {
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  const frame = json.value
  if (!isPlainObject(frame) || !isPlainObject(frame.params))
    return unparsed('unrecognised', 'Shelly RPC notification without params')
  const method = shortString(frame.method, 64)
  if (method !== 'NotifyStatus' && method !== 'NotifyFullStatus')
    return ignored(`Shelly ${method ?? 'notification'} carries no readings`)
  const update = base(prefix)
  const params = frame.params
  let components = 0
  for (const key in params) {
    if (!Object.hasOwn(params, key) || ++components > 64) continue
    const status = params[key]
    if (isPlainObject(status) && COMPONENT.test(key)) readComponent(update, key, status)
  }
  const ts = plausibleTs(params.ts, receivedAt)
  if (ts !== undefined && update.readings.length > 0) update.ts = ts
  if (update.readings.length === 0 && update.info === undefined)
    return ignored('Shelly status change without readings')
  return parsed(update)
}

/** Adds what one component's status says to the update. */
function readComponent(update: DeviceUpdate, key: string, status: Record<string, unknown>): void {
  const [type = '', index = '0'] = key.split(':')
  const add = (metric: string, value: unknown, scale = 1): void => {
    const number = jsonNumber(value)
    if (number === null) return
    const name = index === '0' ? metric : `${metric}_${index}`
    if (update.readings.some((r) => r.metric === name)) return
    const reading: ParsedReading = { metric: name, value: number * scale }
    update.readings.push(reading)
  }
  switch (type) {
    case 'temperature':
      add('temperature', status.tC)
      break
    case 'humidity':
      add('humidity', status.rh)
      break
    case 'illuminance':
      add('illuminance', status.lux)
      break
    case 'devicepower': {
      const battery = isPlainObject(status.battery) ? status.battery : {}
      add('battery', battery.percent)
      add('voltage', battery.V)
      break
    }
    case 'switch':
    case 'pm1':
    case 'em1':
      add('power', status.apower ?? status.act_power)
      add('voltage', status.voltage)
      add('current', status.current)
      // aenergy.total is in Wh; the catalog's energy is kWh.
      if (isPlainObject(status.aenergy)) add('energy', status.aenergy.total, 1 / 1000)
      break
    case 'wifi': {
      const rssi = jsonNumber(status.rssi)
      const ip = shortString(status.sta_ip)
      if (rssi !== null && rssi >= -150 && rssi <= 50)
        update.info = { ...update.info, rssi: Math.round(rssi) }
      if (ip !== undefined) update.info = { ...update.info, ip }
      break
    }
    case 'sys': {
      const mac = shortString(status.mac)
      if (mac !== undefined) update.info = { ...update.info, mac }
      break
    }
  }
}
