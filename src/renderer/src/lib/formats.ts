import type { SourceFormat } from '@shared/parsers/types'

/** How each payload convention is named for people. */
export const FORMAT_LABELS: Record<SourceFormat, string> = {
  ours: 'Our firmware',
  seed: 'Seed format',
  json: 'JSON',
  tasmota: 'Tasmota',
  homeassistant: 'Home Assistant',
  number: 'Plain number',
  esphome: 'ESPHome',
  shelly: 'Shelly',
  zigbee2mqtt: 'Zigbee2MQTT',
  ble: 'BLE gateway',
  mapped: 'Mapped by hand',
}

/**
 * Where a device that does not run our firmware has its reporting changed: in its own
 * ecosystem's tools. Only boards that may be ours to flash (an ESP32 publishing the seed
 * format, plain JSON or numbers) are pointed at the Installer; a Zigbee plug or a BLE
 * thermometer cannot run MicroPython.
 */
export const REPORTING_ELSEWHERE: Record<Exclude<SourceFormat, 'ours'>, string | 'installer'> = {
  seed: 'installer',
  json: 'installer',
  number: 'installer',
  mapped: 'installer',
  tasmota: 'Change how often it reports in Tasmota itself: TelePeriod, in its console or web UI.',
  esphome:
    'Change how often it reports in its ESPHome configuration (update_interval of each sensor), then upload it with ESPHome.',
  shelly: 'Change how often it reports in the Shelly’s own web UI or app.',
  zigbee2mqtt:
    'Change how often it reports in Zigbee2MQTT: the device’s Reporting tab in its frontend.',
  ble: 'BLE sensors advertise on their own schedule; the gateway (OpenMQTTGateway, Theengs) decides how often it forwards them.',
  homeassistant:
    'Change how often it reports where it is configured (its own firmware or integration).',
}
