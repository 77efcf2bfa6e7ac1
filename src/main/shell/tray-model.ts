/**
 * What the tray shows: one status line (devices online, active alerts) and Open / Quit. Kept
 * apart from Electron's Tray so the wording and the counting are tested in plain Node.
 */
import { methods } from '../../shared/api'
import type { CallTarget } from './ipc-bridge'

export interface TrayStatus {
  devicesOnline: number
  devicesKnown: number
  activeAlerts: number
}

export function statusLine(status: TrayStatus): string {
  const devices =
    status.devicesKnown === 0
      ? 'No devices yet'
      : `${status.devicesOnline} of ${status.devicesKnown} device${status.devicesKnown === 1 ? '' : 's'} online`
  const alerts =
    status.activeAlerts === 0
      ? 'no active alerts'
      : `${status.activeAlerts} active alert${status.activeAlerts === 1 ? '' : 's'}`
  return `${devices} · ${alerts}`
}

export interface TrayMenuItem {
  label: string
  enabled: boolean
  action?: 'open' | 'quit'
}

export function trayMenu(status: TrayStatus | null): TrayMenuItem[] {
  return [
    { label: status ? statusLine(status) : 'Starting…', enabled: false },
    { label: 'Open ESP32 IoT Control Center', enabled: true, action: 'open' },
    { label: 'Quit', enabled: true, action: 'quit' },
  ]
}

/** Reads the counts through the contract, like any other client of the core. */
export async function readTrayStatus(core: CallTarget): Promise<TrayStatus> {
  const [devices, alerts] = await Promise.all([
    core.call('devices.list', {}),
    core.call('alerts.log', { status: 'active', limit: 1 }),
  ])
  if (!devices.ok) throw new Error(`devices.list failed: ${devices.error.message}`)
  if (!alerts.ok) throw new Error(`alerts.log failed: ${alerts.error.message}`)
  const list = methods['devices.list'].output.parse(devices.result)
  return {
    devicesKnown: list.length,
    devicesOnline: list.filter((d) => d.online === true).length,
    activeAlerts: methods['alerts.log'].output.parse(alerts.result).total,
  }
}
