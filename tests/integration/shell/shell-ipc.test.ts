import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { forwardEvents, registerIpc } from '../../../src/main/shell/ipc-bridge'
import { createPagePolicy } from '../../../src/main/shell/page-policy'
import { createBridge } from '../../../src/preload/bridge'
import {
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  methodNames,
  methods,
  type CallOutcome,
} from '../../../src/shared/api'
import { useShellCore } from './fixtures/use-shell-core'
import { FakeBrowserWindow, FakeIpcMain } from '../../unit/shell/fake-electron'

const indexFile = '/app/out/renderer/index.html'
const own = pathToFileURL(indexFile).href
const policy = createPagePolicy({ indexFile })

let calls: unknown[]
const ipcMain = new FakeIpcMain()

const shell = useShellCore('shell-ipc-')

beforeAll(() => {
  calls = []
  // Counts what reaches the core, to show refused calls never do.
  const counted = {
    call: (method: unknown, params: unknown): Promise<CallOutcome> => {
      calls.push(method)
      return shell.core.call(method, params)
    },
  }
  registerIpc(ipcMain, counted, policy)
})

describe('the IPC bridge', () => {
  it('has one handler that serves every contract method, validating params with the contract', async () => {
    expect([...ipcMain.handlers.keys()]).toEqual([IPC_CALL_CHANNEL])
    // Every method's input is an object: a number is refused by its own schema, before any
    // handler runs (METHOD_NOT_FOUND would mean the method is not wired).
    for (const method of methodNames) {
      const outcome = await ipcMain.invoke(IPC_CALL_CHANNEL, own, method, 42)
      expect(outcome, method).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } })
      expect(methods[method].input.safeParse(42).success).toBe(false)
    }
  })

  it('answers a valid call from the app page', async () => {
    const outcome = await ipcMain.invoke(IPC_CALL_CHANNEL, `${own}#/settings`, 'settings.get', {})
    expect(outcome.ok).toBe(true)
    if (outcome.ok)
      expect(methods['settings.get'].output.parse(outcome.result).desktop).toEqual({
        startAtLogin: false,
        closeToTray: true,
        autoUpdate: false,
        updateUrl: null,
      })
  })

  it('refuses a call from another page or a frame that is gone, without reaching the core', async () => {
    const before = calls.length
    for (const sender of ['file:///tmp/evil.html', 'https://example.com/', null]) {
      const outcome = await ipcMain.invoke(IPC_CALL_CHANNEL, sender, 'settings.update', {
        broker: { allowAnonymousLoopback: true },
      })
      expect(outcome).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } })
    }
    expect(calls.length).toBe(before)
    expect(shell.core.settings.get().broker.allowAnonymousLoopback).toBe(false)
  })

  it('returns an unknown method as METHOD_NOT_FOUND', async () => {
    const outcome = await ipcMain.invoke(IPC_CALL_CHANNEL, own, 'fs.readFile', {
      path: '/etc/passwd',
    })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'METHOD_NOT_FOUND' } })
  })
})

describe('events to the window', () => {
  it('delivers core events to the current window, and none to a destroyed one', async () => {
    let win: FakeBrowserWindow | undefined = new FakeBrowserWindow({ width: 1, height: 1 })
    const stop = forwardEvents(shell.core.events, () => win)
    await shell.core.call('settings.update', { ui: { theme: 'dark' } })
    const sent = win.webContents.sent.filter((m) => m.channel === IPC_EVENT_CHANNEL)
    expect(sent.map((m) => m.args[0])).toContain('settings.changed')
    const changed = sent.find((m) => m.args[0] === 'settings.changed')
    expect(changed?.args[1]).toMatchObject({ ui: { theme: 'dark' } })

    win.destroyed = true
    const count = win.webContents.sent.length
    await shell.core.call('settings.update', { ui: { theme: 'light' } })
    expect(win.webContents.sent.length).toBe(count)
    win = undefined
    await shell.core.call('settings.update', { ui: { theme: 'system' } })
    stop()
  })
})

describe('the preload bridge (window.api)', () => {
  type Handler = (event: unknown, name: unknown, payload: unknown) => void
  const fakeRenderer = () => {
    const listeners = new Set<Handler>()
    const invoked: unknown[][] = []
    return {
      listeners,
      invoked,
      invoke: async (...args: unknown[]) => {
        invoked.push(args)
        return { ok: true, result: null }
      },
      on: (_channel: string, listener: Handler) => listeners.add(listener),
      removeListener: (_channel: string, listener: Handler) => listeners.delete(listener),
    }
  }

  it('passes only contract methods to IPC', async () => {
    const renderer = fakeRenderer()
    const api = createBridge(renderer)
    expect(await api.call('nope.method', {})).toMatchObject({ error: { code: 'METHOD_NOT_FOUND' } })
    expect(renderer.invoked).toEqual([])
    await api.call('devices.list', {})
    expect(renderer.invoked).toEqual([[IPC_CALL_CHANNEL, 'devices.list', {}]])
    expect(Object.keys(api).sort()).toEqual(['call', 'on'])
  })

  it('delivers only the subscribed contract event, and unsubscribes', () => {
    const renderer = fakeRenderer()
    const api = createBridge(renderer)
    const got: unknown[] = []
    expect(api.on('not.an.event', () => got.push('x'))).toBeTypeOf('function')
    expect(renderer.listeners.size).toBe(0)
    const off = api.on('device.updated', (payload) => got.push(payload))
    for (const l of renderer.listeners) {
      l({}, 'settings.changed', 1)
      l({}, 'device.updated', 2)
    }
    expect(got).toEqual([2])
    off()
    expect(renderer.listeners.size).toBe(0)
  })
})
