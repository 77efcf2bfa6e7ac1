/**
 * Quitting the desktop app, with Electron's app replaced by a stand-in and everything else
 * real: the core, its embedded aedes broker on a free port, its SQLite persistence, and
 * mqtt.js clients as devices.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../../src/main/core/create-core'
import { silentLogger } from '../../../src/main/core/base/logger'
import { installCloseToTray } from '../../../src/main/shell/close-to-tray'
import { installQuitSequence } from '../../../src/main/shell/quit-sequence'
import { TrayController, type MenuItemOptions } from '../../../src/main/shell/tray'
import { tempDir } from '../../helpers/temp-dir'
import { openFakeMainWindow } from '../../unit/shell/fake-main-window'
import { Emitter, FakeApp, fakeEvent } from '../../unit/shell/fake-electron'

let dir: { path: string; cleanup: () => Promise<void> }
const clients: MqttClient[] = []

beforeEach(async () => {
  dir = await tempDir('shell-quit-')
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)))
  await dir.cleanup()
})

const startCore = (): Promise<Core> =>
  createCore({
    dataDir: dir.path,
    shell: 'electron',
    version: 'test',
    logger: silentLogger,
    mqtt: { brokerPort: 0, anonymousLoopback: true },
  })

async function connect(port: number, options: mqtt.IClientOptions): Promise<MqttClient> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  })
  clients.push(client)
  return client
}

/** The retained message on `topic`, as a new subscriber receives it (or null after 1 s). */
async function retained(port: number, topic: string): Promise<string | null> {
  const client = await connect(port, { clientId: `reader-${Math.random().toString(16).slice(2)}` })
  const got = new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 1000)
    client.on('message', (t, payload, packet) => {
      if (t === topic && packet.retain) {
        clearTimeout(timer)
        resolve(payload.toString())
      }
    })
  })
  await client.subscribeAsync(topic, { qos: 1 })
  return got
}

describe('quitting the desktop app', () => {
  it('holds the quit until the core has closed: broker stopped, devices told, state kept', async () => {
    const core = await startCore()
    const port = core.mqtt.broker!.tcpPort
    const device = await connect(port, {
      clientId: 'd1',
      will: { topic: 'iot/d1/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    await device.publishAsync('iot/d1/status', 'online', { qos: 1, retain: true })
    await device.publishAsync('iot/d1/config', 'keep-me', { qos: 1, retain: true })
    const deviceClosed = new Promise<void>((resolve) => device.once('close', () => resolve()))

    const app = new FakeApp()
    const order: string[] = []
    const { done } = installQuitSequence(app, {
      log: silentLogger,
      close: async () => {
        await core.close()
        order.push('core closed')
      },
    })
    const willQuit = fakeEvent({})
    app.emit('will-quit', willQuit)
    // Electron would end the process right after a will-quit nobody prevented.
    expect(willQuit.prevented).toBe(true)
    expect(app.exitCode).toBeUndefined()
    expect(await done).toBe(0)
    order.push(`exit ${app.exitCode}`)
    expect(order).toEqual(['core closed', 'exit 0'])
    // The device saw its broker go away (and will reconnect to the next one).
    await deviceClosed
    // A second will-quit (app.exit does not emit one, but a stray one must not re-close).
    const again = fakeEvent({})
    app.emit('will-quit', again)
    expect(again.prevented).toBe(false)

    // The data lock is free and the broker's retained state survived on disk.
    const next = await startCore()
    try {
      const nextPort = next.mqtt.broker!.tcpPort
      expect(await retained(nextPort, 'iot/d1/config')).toBe('keep-me')
      // The device's will is published for it: anyone watching sees it offline.
      expect(await retained(nextPort, 'iot/d1/status')).toBe('offline')
    } finally {
      await next.close()
    }
  })

  it('still exits, with code 1, when the core hangs or fails', async () => {
    const app = new FakeApp()
    const errors: string[] = []
    const log = { info: () => undefined, error: (m: string) => errors.push(m) }
    const { done } = installQuitSequence(app, {
      log,
      close: () => new Promise<void>(() => undefined),
      timeoutMs: 50,
    })
    app.emit('will-quit', fakeEvent({}))
    expect(await done).toBe(1)
    expect(app.exitCode).toBe(1)
    expect(errors[0]).toMatch(/did not close in time/)

    const failing = new FakeApp()
    const second = installQuitSequence(failing, {
      log,
      close: () => Promise.reject(new Error('disk full')),
    })
    failing.emit('will-quit', fakeEvent({}))
    expect(await second.done).toBe(1)
    expect(errors[1]).toMatch(/closing the core failed/)
  })

  it('keeps the broker serving with the window closed to the tray; the tray’s Quit then quits cleanly', async () => {
    const core = await startCore()
    const port = core.mqtt.broker!.tcpPort
    // Wired as src/main/index.ts wires it: tray, close policy, quit sequence.
    const app = new FakeApp()
    const menus: MenuItemOptions[][] = []
    const tray = new TrayController({
      tray: Object.assign(new Emitter(), {
        setToolTip: () => undefined,
        setContextMenu: (menu: unknown) => menus.push(menu as MenuItemOptions[]),
        destroy: () => undefined,
      }),
      buildMenu: (items) => items,
      core,
      open: () => undefined,
      quit: () => app.quit(),
      log: silentLogger,
    })
    const { done } = installQuitSequence(app, {
      log: silentLogger,
      close: async () => {
        tray.close()
        await core.close()
      },
    })
    const notices: string[] = []
    installCloseToTray(app, {
      platform: 'linux',
      dataDir: dir.path,
      closeToTray: () => core.settings.get().desktop.closeToTray,
      trayShown: () => true,
      Notification: class extends Emitter {
        static isSupported = () => true
        constructor(private readonly notice: { title: string }) {
          super()
        }
        show(): void {
          notices.push(this.notice.title)
        }
      },
      open: () => undefined,
      log: silentLogger,
    })
    const win = openFakeMainWindow()
    app.track(win)
    win.close()
    expect(app.quitCalls).toBe(0)
    expect(notices).toEqual(['ESP32 IoT Control Center is still running'])

    // A device connecting now is served and seen online.
    const device = await connect(port, {
      clientId: 'd2',
      will: { topic: 'iot/d2/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    await device.publishAsync('iot/d2/status', 'online', { qos: 1, retain: true })
    await expect
      .poll(async () => {
        const listed = await core.call('devices.list', {})
        return listed.ok && JSON.stringify(listed.result).includes('"online":true')
      })
      .toBe(true)
    const deviceClosed = new Promise<void>((resolve) => device.once('close', () => resolve()))

    const quitItem = menus.at(-1)?.find((item) => item.label === 'Quit')
    expect(quitItem?.click).toBeDefined()
    quitItem?.click?.()
    expect(await done).toBe(0)
    expect(app.exitCode).toBe(0)
    await deviceClosed
    const next = await startCore()
    try {
      expect(await retained(next.mqtt.broker!.tcpPort, 'iot/d2/status')).toBe('offline')
    } finally {
      await next.close()
    }
  })
})
