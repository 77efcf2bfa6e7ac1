/**
 * Field names as ecosystems spell them → the canonical metric names of the app's metric
 * catalog (src/shared/metrics.ts), as data. Keys are slugs (see slugMetric): lower case,
 * `[a-z0-9_]`. A field not listed keeps its own slug as the metric name.
 *
 * Sources of the spellings: our firmware and the seed (`temp`, `hum`), Tasmota sensor
 * objects (`DewPoint`, `Illuminance`, `CarbonDioxide`), Zigbee2MQTT exposes (`linkquality`,
 * `illuminance_lux`, `soil_moisture`, `voc`), Theengs/OpenMQTTGateway decoders (`tempc`,
 * `hum`, `batt`, `volt`, `lux`, `moi`), Shelly Gen2 status keys (`tC`, `rh`, `apower`).
 * Ambiguous short names (`v`, `light`, `signal`) are deliberately not mapped.
 */
export const METRIC_ALIASES: Readonly<Record<string, string>> = {
  // temperature (°C); the °F spellings are in FAHRENHEIT_ALIASES
  temperature: 'temperature',
  temp: 'temperature',
  t: 'temperature',
  tc: 'temperature',
  tempc: 'temperature',
  temp_c: 'temperature',
  temperature_c: 'temperature',
  // humidity (%RH)
  humidity: 'humidity',
  hum: 'humidity',
  h: 'humidity',
  rh: 'humidity',
  humidity_rh: 'humidity',
  relative_humidity: 'humidity',
  // pressure (hPa)
  pressure: 'pressure',
  press: 'pressure',
  pres: 'pressure',
  air_pressure: 'pressure',
  // battery (%)
  battery: 'battery',
  batt: 'battery',
  bat: 'battery',
  battery_level: 'battery',
  battery_percent: 'battery',
  battery_percentage: 'battery',
  // voltage (V)
  voltage: 'voltage',
  volt: 'voltage',
  volts: 'voltage',
  // co2 (ppm)
  co2: 'co2',
  eco2: 'co2',
  carbondioxide: 'co2',
  carbon_dioxide: 'co2',
  // illuminance (lx)
  illuminance: 'illuminance',
  illuminance_lux: 'illuminance',
  lux: 'illuminance',
  // radio
  linkquality: 'linkquality',
  link_quality: 'linkquality',
  lqi: 'linkquality',
  rssi: 'rssi',
  // energy
  power: 'power',
  apower: 'power',
  active_power: 'power',
  energy: 'energy',
  current: 'current',
  // air quality (µg/m³, index)
  pm25: 'pm25',
  pm2_5: 'pm25',
  pm10: 'pm10',
  voc: 'voc',
  tvoc: 'voc',
  // dew point (°C)
  dew_point: 'dew_point',
  dewpoint: 'dew_point',
  dewp: 'dew_point',
  // soil moisture (%)
  moisture: 'moisture',
  soil_moisture: 'moisture',
  moi: 'moisture',
}

/** Spellings that carry a temperature in °F: the value is converted to °C. */
export const FAHRENHEIT_ALIASES: Readonly<Record<string, string>> = {
  tempf: 'temperature',
  temp_f: 'temperature',
  temperature_f: 'temperature',
  tf: 'temperature',
  dew_point_f: 'dew_point',
  dewpointf: 'dew_point',
}

/** Canonical metrics measured in °C (a payload-wide °F unit converts these). */
export const CELSIUS_METRICS: ReadonlySet<string> = new Set(['temperature', 'dew_point'])

/**
 * Units a device may state (Home Assistant's unit_of_measurement, Zigbee2MQTT's exposes)
 * that differ from the catalog's by a factor: metric → unit → factor to the catalog's unit.
 */
export const UNIT_FACTORS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  voltage: { mV: 0.001 },
  current: { mA: 0.001 },
  energy: { Wh: 0.001, MWh: 1000 },
  power: { kW: 1000 },
  pressure: { Pa: 0.01, kPa: 10, mbar: 1, bar: 1000 },
}

/** The factor that brings `value [unit]` to the catalog's unit of `metric` (1 when none is known). */
export function unitFactor(metric: string, unit: string | undefined): number {
  if (unit === undefined || !Object.hasOwn(UNIT_FACTORS, metric)) return 1
  const factors = UNIT_FACTORS[metric]!
  return Object.hasOwn(factors, unit) ? factors[unit]! : 1
}
