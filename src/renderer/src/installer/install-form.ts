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
  /**
   * The port whose board runs MicroPython because an install got past flashing there: the
   * next install on it only copies the firmware and settings (no bootloader needed).
   */
  micropythonOn?: string
  /** The id that install gave the board (from its MAC), reused when installing it again. */
  knownDeviceId?: string
  /** Flash MicroPython again although it is on the board. */
  reflash: boolean
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
  reflash: false,
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

/** "esp32-" + the last 6 hex digits of the MAC, as the installer names a board by default. */
export function macDeviceId(mac: string): string {
  return `esp32-${mac
    .replace(/[^0-9a-f]/gi, '')
    .slice(-6)
    .toLowerCase()}`
}

/** Whether the next install on the chosen port keeps the MicroPython already there. */
export function keepsMicroPython(f: InstallForm): boolean {
  return f.port !== undefined && f.micropythonOn === f.port.path && !f.reflash
}

/** The id the board gets when the field is left empty, or undefined when its MAC is not known yet. */
export function defaultDeviceId(f: InstallForm): string | undefined {
  if (keepsMicroPython(f) && f.knownDeviceId) return f.knownDeviceId
  return f.chip ? macDeviceId(f.chip.mac) : undefined
}

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

/**
 * The install request. On a board known to run MicroPython the image is kept (no flashing,
 * no download mode) and the board keeps the id it was given; the core reads the MAC itself
 * when no id is known.
 */
export function toRequest(f: InstallForm): InstallRequest {
  const keep = keepsMicroPython(f)
  const firmware: InstallFirmware | undefined = keep ? { keep: true } : f.firmware
  if (!f.port || !firmware) throw new Error('port and firmware are chosen before the settings')
  const id = f.deviceId || (keep ? f.knownDeviceId : undefined)
  return {
    port: f.port.path,
    firmware,
    eraseAll: 'keep' in firmware ? false : f.eraseAll,
    device: { name: f.name.trim(), ...(id ? { id } : {}) },
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
