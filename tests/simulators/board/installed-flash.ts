/**
 * A board's flash as the installer leaves it: the firmware files (boot.py with the update
 * guard, main.py, lib/**), config.json for the broker and secrets.py with the Wi-Fi of the
 * simulated access point, the broker login and the OTA_KEY. One place for every test that
 * runs installed boards (FirmwareBoard, BoardSimulator).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { baseConfig, FIRMWARE_DIR, firmwareSources } from '../../firmware/harness'
import { SIM_WIFI } from './board-simulator'

export interface InstalledFlashOptions {
  id: string
  broker: { host: string; port: number }
  /** The board's broker login; null = an anonymous broker. */
  login?: { username: string; password: string } | null
  /** OTA_KEY in secrets.py (64 hex); null = a board installed before updates existed. */
  otaKey: string | null
  /** Extra config.json keys (e.g. `wdt_s: 0`). */
  config?: Record<string, unknown>
}

export function installedFlash(options: InstalledFlashOptions): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  for (const rel of firmwareSources()) files.set(`/${rel}`, readFileSync(join(FIRMWARE_DIR, rel)))
  const config = baseConfig({
    device_id: options.id,
    name: options.id,
    mqtt: { ...options.broker, tls: false, keepalive: 30, qos: 1 },
    report: { interval_s: 60, delta_t: 0.5, delta_h: 1.0, max_silence_s: 3600 },
    ...options.config,
  })
  files.set('/config.json', Buffer.from(JSON.stringify(config)))
  const secrets = [
    `WIFI_SSID = "${SIM_WIFI.ssid}"`,
    `WIFI_PASSWORD = "${SIM_WIFI.password}"`,
    `MQTT_USER = "${options.login?.username ?? ''}"`,
    `MQTT_PASSWORD = "${options.login?.password ?? ''}"`,
    ...(options.otaKey ? [`OTA_KEY = "${options.otaKey}"`] : []),
    '',
  ]
  files.set('/secrets.py', Buffer.from(secrets.join('\n')))
  return files
}

/** `VERSION` of the iotfw package on a flash ('?' when unreadable). */
export function flashVersion(flash: ReadonlyMap<string, Buffer>): string {
  const init = flash.get('/lib/iotfw/__init__.py')?.toString() ?? ''
  return /VERSION = "([^"]+)"/.exec(init)?.[1] ?? '?'
}
