import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { silentLogger } from '../../src/main/core/base/logger'
import { Dispatcher } from '../../src/main/core/rpc/dispatcher'
import type { Handlers } from '../../src/main/core/rpc/handlers'
import { Settings } from '../../src/shared/contract/settings'

const appInfo = {
  name: 'test',
  version: '0.0.0',
  shell: 'web',
  platform: 'linux-x64',
  nodeVersion: '22',
  dataDir: '/tmp/x',
  startedAt: 0,
  warnings: [],
}

/** A dispatcher over the real contract with hand-written handlers for the methods under test. */
async function dispatcherWith(overrides: Partial<Record<string, (p: unknown) => unknown>>) {
  const base = {
    'app.info': () => appInfo,
    'settings.get': () => Settings.parse({}),
    'settings.update': () => Settings.parse({}),
  }
  const handlers = { ...base, ...overrides } as unknown as Handlers
  return { dispatcher: new Dispatcher(handlers, silentLogger), cleanup: async () => undefined }
}

describe('Dispatcher', () => {
  it('refuses an unknown method with METHOD_NOT_FOUND', async () => {
    const { dispatcher, cleanup } = await dispatcherWith({})
    const outcome = await dispatcher.call('devices.explode', {})
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'METHOD_NOT_FOUND', message: 'Unknown method "devices.explode".' },
    })
    expect(await dispatcher.call(42, {})).toMatchObject({
      ok: false,
      error: { code: 'METHOD_NOT_FOUND' },
    })
    await cleanup()
  })

  it('refuses params that fail the schema, naming the field, before the handler runs', async () => {
    let ran = false
    const { dispatcher, cleanup } = await dispatcherWith({
      'settings.update': () => {
        ran = true
        return Settings.parse({})
      },
    })
    const outcome = await dispatcher.call('settings.update', { ui: { theme: 'purple' } })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) throw new Error('unreachable')
    expect(outcome.error.code).toBe('INVALID_PARAMS')
    expect(outcome.error.issues?.[0]?.path).toBe('ui.theme')
    expect(ran).toBe(false)
    await cleanup()
  })

  it('refuses unknown keys instead of silently ignoring them', async () => {
    const { dispatcher, cleanup } = await dispatcherWith({})
    const outcome = await dispatcher.call('settings.get', { verbose: true })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } })
    await cleanup()
  })

  it('passes an ApiError from a handler through with its code', async () => {
    const { dispatcher, cleanup } = await dispatcherWith({
      'settings.get': () => {
        throw new ApiError('UNAVAILABLE', 'Settings are locked.')
      },
    })
    expect(await dispatcher.call('settings.get', {})).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'Settings are locked.' },
    })
    await cleanup()
  })

  it('turns any other throw into INTERNAL and keeps working', async () => {
    const { dispatcher, cleanup } = await dispatcherWith({
      'settings.get': () => {
        throw new TypeError('boom')
      },
    })
    expect(await dispatcher.call('settings.get', {})).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: 'settings.get failed: boom' },
    })
    expect((await dispatcher.call('app.info', {})).ok).toBe(true)
    await cleanup()
  })

  it('refuses a handler result that breaks the contract', async () => {
    const { dispatcher, cleanup } = await dispatcherWith({ 'settings.get': () => ({ ui: 'nope' }) })
    expect(await dispatcher.call('settings.get', {})).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: 'settings.get produced an invalid result.' },
    })
    await cleanup()
  })
})
