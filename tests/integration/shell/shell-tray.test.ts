/** The tray's status line over a real core (devices from real MQTT messages, SQLite). */
import { describe, expect, it } from 'vitest'
import { TrayController, type MenuItemOptions } from '../../../src/main/shell/tray'
import { useShellCore } from './fixtures/use-shell-core'
import { Emitter } from '../../unit/shell/fake-electron'

const shell = useShellCore('shell-tray-')

function status(id: string, payload: string): void {
  shell.core.ingest({
    topic: `iot/${id}/status`,
    payload: new TextEncoder().encode(payload),
    qos: 1,
    retain: true,
    receivedAt: Date.now(),
    source: 'embedded',
  })
}

class FakeTray extends Emitter {
  readonly menus: MenuItemOptions[][] = []
  readonly tips: string[] = []
  destroyed = false
  setToolTip(text: string): void {
    this.tips.push(text)
  }
  setContextMenu(menu: unknown): void {
    this.menus.push(menu as MenuItemOptions[])
  }
  destroy(): void {
    this.destroyed = true
  }
  get line(): string | undefined {
    return this.menus.at(-1)?.[0]?.label
  }
}

describe('the tray', () => {
  it('shows devices online and active alerts, follows device events, opens and quits', async () => {
    const tray = new FakeTray()
    let opened = 0
    let quit = 0
    const controller = new TrayController({
      tray,
      buildMenu: (items) => items,
      core: shell.core,
      open: () => opened++,
      quit: () => quit++,
      log: { warn: (m, f) => console.error(m, f) },
      delayMs: 5,
    })
    expect(tray.line).toBe('Starting…')
    await controller.refresh()
    expect(tray.line).toBe('No devices yet · no active alerts')

    status('a', 'online')
    status('b', 'offline')
    await expect
      .poll(() => tray.line, { timeout: 2000 })
      .toBe('1 of 2 devices online · no active alerts')
    expect(tray.tips.at(-1)).toContain('1 of 2 devices online')
    status('b', 'online')
    await expect
      .poll(() => tray.line, { timeout: 2000 })
      .toBe('2 of 2 devices online · no active alerts')

    const [line, open, quitItem] = tray.menus.at(-1)!
    expect(line?.enabled).toBe(false)
    open?.click?.()
    quitItem?.click?.()
    tray.emit('click')
    expect([opened, quit]).toEqual([2, 1])
    controller.close()
    expect(tray.destroyed).toBe(true)
  })

  it('counts active alerts as rules fire and clear', async () => {
    const tray = new FakeTray()
    const controller = new TrayController({
      tray,
      buildMenu: (items) => items,
      core: shell.core,
      open: () => undefined,
      quit: () => undefined,
      log: { warn: (m, f) => console.error(m, f) },
      delayMs: 5,
    })
    await controller.refresh()
    const created = await shell.core.call('alerts.createRule', {
      name: 'Too hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
    })
    expect(created.ok).toBe(true)
    const telemetry = (id: string, temperature: number): void =>
      shell.core.ingest({
        topic: `iot/${id}/telemetry`,
        payload: new TextEncoder().encode(JSON.stringify({ temperature })),
        qos: 0,
        retain: false,
        receivedAt: Date.now(),
        source: 'embedded',
      })
    telemetry('a', 35)
    await expect.poll(() => tray.line, { timeout: 2000 }).toMatch(/· 1 active alert$/)
    telemetry('b', 36)
    await expect.poll(() => tray.line, { timeout: 2000 }).toMatch(/· 2 active alerts$/)
    telemetry('a', 20)
    telemetry('b', 20)
    await expect.poll(() => tray.line, { timeout: 2000 }).toMatch(/· no active alerts$/)
    controller.close()
  })
})
