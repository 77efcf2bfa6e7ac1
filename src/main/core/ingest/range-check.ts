import { rangeFor } from '../../../shared/parsers/sensor-ranges'
import type { DeviceUpdate } from '../../../shared/parsers/types'

const UNITS: Record<string, string> = { temperature: ' °C', humidity: ' %RH', pressure: ' hPa' }

/**
 * Takes readings no sensor could have measured out of `update` (see sensor-ranges: the
 * reading's own sensor, else the device's reported sensor, else physical limits) and turns
 * them into one `sensor_error` event on the update, so they are neither stored nor shown
 * and a sensor-error alert can fire. Returns how many readings were taken out.
 */
export function dropOutOfRange(update: DeviceUpdate, deviceSensor: string | undefined): number {
  const readings = update.readings
  let kept = 0
  let problem: string | null = null
  let dropped = 0
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i]!
    const sensor = reading.sensor ?? deviceSensor
    const range = rangeFor(sensor, reading.metric)
    if (range === null || (reading.value >= range[0] && reading.value <= range[1])) {
      readings[kept++] = reading
      continue
    }
    dropped++
    if (problem === null) {
      const unit = UNITS[reading.metric] ?? ''
      const what = sensor === undefined ? 'is physically possible' : `a ${sensor} can measure`
      problem = `${reading.metric} ${reading.value}${unit} is outside what ${what} (${range[0]}…${range[1]}${unit}): not stored`
    }
  }
  if (dropped === 0) return 0
  readings.length = kept
  update.event ??= {
    type: 'sensor_error',
    level: 'error',
    message: dropped > 1 ? `${problem} (and ${dropped - 1} more)` : problem,
    raw: JSON.stringify({ outOfRange: dropped }),
  }
  return dropped
}
