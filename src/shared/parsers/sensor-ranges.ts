/**
 * What a sensor can measure, as data: a reading outside its sensor's range is a fault (a
 * broken wire, a bad checksum the firmware missed, a hostile client), not weather. Ranges
 * are from each part's datasheet; `temperature` in °C and `humidity` in %RH, as stored.
 * Keys are normalised sensor names (see sensorKey): our firmware's `sensor` info field
 * ("DHT22"), Tasmota's sensor object names ("AM2301", "SHT3X", "BME280", "DS18B20"…).
 */
type Range = readonly [min: number, max: number]
type MetricRanges = Readonly<Partial<Record<string, Range>>>

const DHT22: MetricRanges = { temperature: [-40, 80], humidity: [0, 100] }

export const SENSOR_RANGES: Readonly<Record<string, MetricRanges>> = {
  // Aosong DHT22 / AM2302 / AM2301: −40…80 °C, 0…100 %RH.
  DHT22,
  AM2302: DHT22,
  AM2301: DHT22,
  // Aosong DHT11: 0…50 °C, 20…90 %RH.
  DHT11: { temperature: [0, 50], humidity: [20, 90] },
  // Sensirion SHT3x and SHT4x: −40…125 °C, 0…100 %RH.
  SHT3X: { temperature: [-40, 125], humidity: [0, 100] },
  SHT4X: { temperature: [-40, 125], humidity: [0, 100] },
  // Silicon Labs Si7021 / HTU21D: −40…125 °C, 0…100 %RH.
  SI7021: { temperature: [-40, 125], humidity: [0, 100] },
  HTU21: { temperature: [-40, 125], humidity: [0, 100] },
  // Bosch BME280 / BMP280: −40…85 °C, 0…100 %RH, 300…1100 hPa.
  BME280: { temperature: [-40, 85], humidity: [0, 100], pressure: [300, 1100] },
  BMP280: { temperature: [-40, 85], pressure: [300, 1100] },
  // Maxim DS18B20: −55…125 °C.
  DS18B20: { temperature: [-55, 125] },
}

/**
 * Whatever the sensor: nothing is colder than absolute zero and relative humidity is a
 * percentage. Other metrics only need to be finite numbers (the parsers see to that).
 */
export const PHYSICAL_RANGES: MetricRanges = { temperature: [-273.15, 1e4], humidity: [0, 100] }

/** "DHT-22", "dht22" → "DHT22"; Tasmota's numbered repeats "AM2301-14", "DS18B20-1" → "AM2301", "DS18B20". */
export function sensorKey(name: string): string {
  const normalise = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '')
  const key = normalise(name)
  if (Object.hasOwn(SENSOR_RANGES, key)) return key
  return normalise(name.replace(/-\d+$/, ''))
}

/** The range a reading must fall in: the sensor's when known, else the physical one; null = any finite number. */
export function rangeFor(sensor: string | undefined, metric: string): Range | null {
  if (sensor !== undefined) {
    const ranges = SENSOR_RANGES[sensorKey(sensor)]
    const range = ranges && Object.hasOwn(ranges, metric) ? ranges[metric] : undefined
    if (range) return range
  }
  return Object.hasOwn(PHYSICAL_RANGES, metric) ? (PHYSICAL_RANGES[metric] ?? null) : null
}
