/**
 * Tasmota telemetry (Tasmota docs "MQTT" and "Sensor" pages), default FullTopic
 * `%prefix%/%topic%/`:
 *   tele/<t>/SENSOR  {"Time":"…","DHT11":{"Temperature":21.5,"Humidity":40.0,"DewPoint":7.5},"TempUnit":"C"}
 *   tele/<t>/LWT     `Online` / `Offline` (retained Last Will)
 *   tele/<t>/STATE   {"Uptime":…,"Wifi":{"RSSI":78,"Signal":-61,…}}   (Signal is dBm; RSSI is a %)
 *   tele/<t>/INFO1   {"Info1":{"Module":"…","Version":"13.1.0(tasmota)",…}}  (older: unwrapped)
 *   tele/<t>/INFO2   {"Info2":{"Hostname":"…","IPAddress":"192.168.1.7"}}
 * Each sensor object's numeric fields become metrics with canonical names
 * (ecosystems/metric-names.ts: DewPoint → dew_point); the first Temperature/Humidity found
 * are `temperature`/`humidity`, later ones are prefixed with the sensor name
 * (`ds18b20_temperature`). "Time" is local time without a zone, so arrival time is used.
 */
import { deviceIdFromTopic, type TasmotaKind } from '../topics'
import { CELSIUS_METRICS } from './ecosystems/metric-names'
import {
  fahrenheitToCelsius,
  isPlainObject,
  jsonNumber,
  MAX_METRICS,
  metricForKey,
  parseJson,
  pickInfo,
  presenceWord,
  shortString,
  slugMetric,
} from './text'
import {
  ignored,
  parsed,
  unparsed,
  type ParseOutcome,
  type ParsedReading,
  type ReportedInfo,
} from './types'

export function parseTasmota(device: string, kind: TasmotaKind, text: string): ParseOutcome {
  const deviceId = deviceIdFromTopic(device)
  if (kind === 'OTHER') return ignored('Tasmota telemetry we do not read')
  if (text.trim() === '') return ignored('cleared retained Tasmota topic')
  if (kind === 'LWT') {
    const online = presenceWord(text)
    if (online === null) return unparsed('bad-status', 'LWT must be Online or Offline')
    return parsed({ deviceId, format: 'tasmota', readings: [], online, info: { name: device } })
  }
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  if (!isPlainObject(json.value))
    return unparsed('unrecognised', `Tasmota ${kind} must be a JSON object`)
  const object = json.value
  switch (kind) {
    case 'SENSOR': {
      const readings = sensorReadings(object)
      if (readings.length === 0)
        return unparsed('no-numeric-fields', 'SENSOR without numeric sensor fields')
      return parsed({ deviceId, format: 'tasmota', readings })
    }
    case 'STATE': {
      const info: ReportedInfo = {}
      const wifi = object.Wifi
      const signal = isPlainObject(wifi) ? jsonNumber(wifi.Signal) : null
      if (signal !== null && signal >= -150 && signal <= 50) info.rssi = Math.round(signal)
      return parsed({ deviceId, format: 'tasmota', readings: [], info })
    }
    case 'INFO1': {
      const body = isPlainObject(object.Info1) ? object.Info1 : object
      const info = pickInfo({ fw: [body.Version], chip: [body.Module] })
      if (info.fw !== undefined) info.fw = `Tasmota ${info.fw}`
      return parsed({ deviceId, format: 'tasmota', readings: [], info })
    }
    case 'INFO2': {
      const body = isPlainObject(object.Info2) ? object.Info2 : object
      const ip = shortString(body.IPAddress)
      return parsed({
        deviceId,
        format: 'tasmota',
        readings: [],
        info: ip === undefined ? {} : { ip },
      })
    }
  }
}

/** Numeric fields of every sensor object in a SENSOR payload, in °C (TempUnit "F" converted). */
export function sensorReadings(object: Record<string, unknown>): ParsedReading[] {
  const fahrenheit = typeof object.TempUnit === 'string' && object.TempUnit.toUpperCase() === 'F'
  const readings: ParsedReading[] = []
  const taken = new Set<string>()
  let sensors = 0
  for (const sensorName in object) {
    if (!Object.hasOwn(object, sensorName)) continue
    if (++sensors > 64) break
    const sensor = object[sensorName]
    if (!isPlainObject(sensor)) continue
    const prefix = slugMetric(sensorName) ?? 'sensor'
    let fields = 0
    for (const field in sensor) {
      if (!Object.hasOwn(sensor, field)) continue
      if (++fields > 64 || readings.length >= MAX_METRICS) break
      // Tasmota sends measurements as JSON numbers; strings are ids and labels ("Id":"01").
      const raw = sensor[field]
      const base = tasmotaMetric(sensorName, field)
      if (typeof raw !== 'number' || !Number.isFinite(raw) || base === null) continue
      const value = CELSIUS_METRICS.has(base) && fahrenheit ? fahrenheitToCelsius(raw) : raw
      const metric = taken.has(base) ? `${prefix}_${base}`.slice(0, 48) : base
      if (taken.has(metric)) continue
      taken.add(metric)
      readings.push({ metric, value, sensor: sensorName })
    }
  }
  return readings
}

/**
 * A Tasmota field's metric: the canonical name (DewPoint → dew_point, CarbonDioxide → co2);
 * in the `ENERGY` object `Total` is the meter reading in kWh (Tasmota docs "Power
 * monitoring"), while `Today`/`Yesterday` keep their own names.
 */
function tasmotaMetric(sensorName: string, field: string): string | null {
  if (sensorName === 'ENERGY' && field === 'Total') return 'energy'
  return metricForKey(field)?.metric ?? null
}
