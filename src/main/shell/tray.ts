/**
 * The tray icon: a status line (devices online, active alerts) kept current from core
 * events, Open and Quit. Electron's Tray and Menu are passed in; the wording and counts come
 * from tray-model.ts.
 */
import type { CallTarget } from './ipc-bridge'
import { readTrayStatus, trayMenu, type TrayMenuItem, type TrayStatus } from './tray-model'

export interface MenuItemOptions {
  label: string
  enabled: boolean
  click?: () => void
}

export interface TrayLike {
  setToolTip(text: string): void
  setContextMenu(menu: unknown): void
  on(event: 'click', listener: () => void): unknown
  destroy(): void
}

export interface TrayDeps {
  tray: TrayLike
  buildMenu(items: MenuItemOptions[]): unknown
  core: CallTarget & {
    events: { onAny(listener: (name: string) => void): () => void }
  }
  open(): void
  quit(): void
  log: { warn(message: string, fields?: Record<string, unknown>): void }
  /** Coalesces bursts of device events into one refresh. */
  delayMs?: number
}

const REFRESH_ON = new Set([
  'device.updated',
  'device.removed',
  'alert.fired',
  'alert.cleared',
  'alert.acknowledged',
])

export class TrayController {
  private timer: NodeJS.Timeout | undefined
  private readonly unsubscribe: () => void
  private latest: TrayStatus | null = null

  constructor(private readonly deps: TrayDeps) {
    deps.tray.setToolTip('ESP32 IoT Control Center')
    deps.tray.on('click', () => deps.open())
    this.render()
    this.unsubscribe = deps.core.events.onAny((name) => {
      if (REFRESH_ON.has(name)) this.schedule()
    })
  }

  get status(): TrayStatus | null {
    return this.latest
  }

  /** Reads the counts now and redraws the menu. */
  async refresh(): Promise<void> {
    try {
      this.latest = await readTrayStatus(this.deps.core)
    } catch (error) {
      this.deps.log.warn('tray status unavailable', { error })
    }
    this.render()
  }

  close(): void {
    clearTimeout(this.timer)
    this.unsubscribe()
    this.deps.tray.destroy()
  }

  private schedule(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.refresh()
    }, this.deps.delayMs ?? 1000)
  }

  private render(): void {
    const items = trayMenu(this.latest)
    this.deps.tray.setContextMenu(this.deps.buildMenu(items.map((item) => this.toOption(item))))
    const line = items[0]?.label ?? ''
    this.deps.tray.setToolTip(`ESP32 IoT Control Center — ${line}`)
  }

  private toOption(item: TrayMenuItem): MenuItemOptions {
    const click =
      item.action === 'open' ? this.deps.open : item.action === 'quit' ? this.deps.quit : undefined
    return { label: item.label, enabled: item.enabled, ...(click ? { click } : {}) }
  }
}
