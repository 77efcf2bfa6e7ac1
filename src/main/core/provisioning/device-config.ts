import {
  ProvisionInputSchema,
  type ProvisionInput,
  type ProvisionSettings,
} from '../../../shared/contract/provision-input'
import { pyStr } from './python-literals'

/** The schema lives in the shared contract (one source of truth for UI, API and board). */
export { ProvisionInputSchema }
export type { ProvisionInput, ProvisionSettings }

/** Default device id (DESIGN.md MQTT section): "esp32-" + last 6 hex of the MAC. */
export function defaultDeviceId(macHex: string): string {
  return `esp32-${macHex
    .replace(/[^0-9a-f]/gi, '')
    .slice(-6)
    .toLowerCase()}`
}

/** config.json exactly in the design's schema and key order; never contains a secret. */
export function buildConfigJson(settings: ProvisionSettings, deviceId: string): string {
  const { mqtt, report } = settings
  const config = {
    device_id: deviceId,
    name: settings.deviceName,
    prefix: settings.prefix,
    mqtt: {
      host: mqtt.host,
      port: mqtt.port ?? (mqtt.tls ? 8883 : 1883),
      tls: mqtt.tls,
      ...(mqtt.ca ? { ca: 'ca.pem' } : {}),
      ...(mqtt.keepalive !== undefined ? { keepalive: mqtt.keepalive } : {}),
      ...(mqtt.qos !== undefined ? { qos: mqtt.qos } : {}),
    },
    sensor: { type: settings.sensor.type, pin: settings.sensor.pin },
    report: {
      ...(report.intervalS !== undefined ? { interval_s: report.intervalS } : {}),
      ...(report.deltaT !== undefined ? { delta_t: report.deltaT } : {}),
      ...(report.deltaH !== undefined ? { delta_h: report.deltaH } : {}),
      ...(report.maxSilenceS !== undefined ? { max_silence_s: report.maxSilenceS } : {}),
    },
    legacy_topic: settings.legacyTopic,
    ha_discovery: settings.haDiscovery,
  }
  return `${JSON.stringify(config, null, 2)}\n`
}

/**
 * secrets.py: assignments of ASCII-only Python string literals (see pyStr), so
 * quotes, backslashes, newlines and any Unicode in a password arrive exactly; OTA_KEY
 * (docs/ota.md) when the app keeps one for the board.
 */
export function buildSecretsPy(settings: ProvisionSettings, deviceId: string): string {
  return [
    `# Written by the installer for ${deviceId}. Keep private: never commit or share.`,
    `WIFI_SSID = ${pyStr(settings.wifi.ssid)}`,
    `WIFI_PASSWORD = ${pyStr(settings.wifi.password)}`,
    `MQTT_USER = ${pyStr(settings.mqtt.username ?? '')}`,
    `MQTT_PASSWORD = ${pyStr(settings.mqtt.password ?? '')}`,
    ...(settings.otaKey ? [`OTA_KEY = ${pyStr(settings.otaKey)}`] : []),
    '',
  ].join('\n')
}

/** The values that must never appear in logs, progress or errors. */
export function secretValues(settings: ProvisionSettings): string[] {
  return [settings.wifi.password, settings.mqtt.password ?? '', settings.otaKey ?? ''].filter(
    (s) => s !== '',
  )
}
