import type {
  ChipInfo,
  InstallFirmware,
  InstallRequest,
  PortInfo,
} from '@shared/contract/installer'

/** Everything the wizard collects; secrets live only in memory for the install. */
export interface InstallForm {
  port?: PortInfo
  chip?: ChipInfo
  firmware?: InstallFirmware
  /** Shown in the summary: "MicroPython 1.24.1 (ESP32_GENERIC)" or a file name. */
  firmwareLabel?: string
  eraseAll: boolean
  name: string
  deviceId: string
  ssid: string
  wifiPassword: string
  broker: 'embedded' | 'external'
  host: string
  brokerPort: string
  tls: boolean
  username: string
  password: string
  sensorType: 'DHT22' | 'DHT11'
  pin: string
  intervalS: string
}

export const EMPTY_FORM: InstallForm = {
  eraseAll: true,
  name: '',
  deviceId: '',
  ssid: '',
  wifiPassword: '',
  broker: 'embedded',
  host: '',
  brokerPort: '1883',
  tls: false,
  username: '',
  password: '',
  sensorType: 'DHT22',
  pin: '4',
  intervalS: '10',
}

/** The fields worth remembering for the next board: never a password. */
export const REMEMBERED: readonly (keyof InstallForm)[] = [
  'ssid',
  'broker',
  'host',
  'brokerPort',
  'tls',
  'username',
  'sensorType',
  'pin',
  'intervalS',
]

/** Problems with the settings, in words, keyed by field; empty when ready to install. */
export function settingsProblems(f: InstallForm): Partial<Record<keyof InstallForm, string>> {
  const p: Partial<Record<keyof InstallForm, string>> = {}
  if (f.name.trim() === '') p.name = 'Give the device a name, e.g. “Living room”.'
  if (f.deviceId !== '' && !/^[A-Za-z0-9_.-]{1,64}$/.test(f.deviceId))
    p.deviceId = 'Letters, digits, “_”, “.” and “-” only.'
  if (f.ssid.trim() === '') p.ssid = 'Enter the name of the Wi-Fi network the board should join.'
  else if (new TextEncoder().encode(f.ssid).length > 32)
    p.ssid = 'A Wi-Fi name has at most 32 bytes.'
  if (f.wifiPassword !== '' && (f.wifiPassword.length < 8 || f.wifiPassword.length > 64)) {
    p.wifiPassword = 'WPA passwords have 8 to 64 characters (leave empty for an open network).'
  }
  if (f.broker === 'external') {
    if (f.host.trim() === '') p.host = 'Enter the address of your broker.'
    const port = Number(f.brokerPort)
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      p.brokerPort = 'A port from 1 to 65535.'
  }
  const pin = Number(f.pin)
  if (!Number.isInteger(pin) || pin < 0 || pin > 48)
    p.pin = 'The GPIO number the sensor’s data line is on (0–48).'
  const interval = Number(f.intervalS)
  const floor = f.sensorType === 'DHT11' ? 1 : 2
  if (!Number.isFinite(interval) || interval < floor || interval > 86_400) {
    p.intervalS = `From ${floor} s (the ${f.sensorType} cannot be read faster) to 86,400 s.`
  }
  return p
}

export function toRequest(f: InstallForm): InstallRequest {
  if (!f.port || !f.firmware) throw new Error('port and firmware are chosen before the settings')
  return {
    port: f.port.path,
    firmware: f.firmware,
    eraseAll: 'keep' in f.firmware ? false : f.eraseAll,
    device: { name: f.name.trim(), ...(f.deviceId ? { id: f.deviceId } : {}) },
    wifi: { ssid: f.ssid, password: f.wifiPassword },
    broker:
      f.broker === 'embedded'
        ? { kind: 'embedded' }
        : {
            kind: 'external',
            host: f.host.trim(),
            port: Number(f.brokerPort),
            tls: f.tls,
            ...(f.username ? { username: f.username } : {}),
            ...(f.password ? { password: f.password } : {}),
          },
    sensor: { type: f.sensorType, pin: Number(f.pin) },
    report: { intervalS: Number(f.intervalS) },
  }
}
