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
