/**
 * Desktop notifications for alerts (issue 15.4) from a real core: readings ingested as MQTT
 * messages, rules evaluated by the alert service, SQLite underneath. Only Electron's
 * Notification is a stand-in; it records what would be shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../../src/main/core/create-core'
import { silentLogger } from '../../../src/main/core/base/logger'
import { notifyAlerts } from '../../../src/main/shell/alert-notifications'
import { tempDir } from '../../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }
let core: Core

beforeAll(async () => {
  dir = await tempDir('shell-notify-')
  core = await createCore({
    dataDir: dir.path,
    shell: 'electron',
    version: 'test',
    logger: silentLogger,
    mqtt: { brokerEnabled: false },
  })
})
afterAll(async () => {
  await core.close()
  await dir.cleanup()
})

function telemetry(id: string, payload: object): void {
  core.ingest({
    topic: `iot/${id}/telemetry`,
    payload: new TextEncoder().encode(JSON.stringify(payload)),
    qos: 0,
    retain: false,
    receivedAt: Date.now(),
    source: 'embedded',
  })
}

async function call(method: string, params: unknown): Promise<unknown> {
  const outcome = await core.call(method, params)
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`)
  return outcome.result
}

describe('alert notifications from the core', () => {
  it('shows a rule firing and clearing, and nothing for a rule whose notify is off', async () => {
    const shown: { title: string; body: string }[] = []
    notifyAlerts(
      core.events,
      class {
        static isSupported = () => true
        constructor(private readonly notice: { title: string; body: string }) {}
        show(): void {
          shown.push(this.notice)
        }
      },
    )
    await call('alerts.createRule', {
      name: 'Greenhouse too hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
    })
    await call('alerts.createRule', {
      name: 'Humid, logged only',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'humidity', direction: 'above', value: 80 },
      actions: { notify: false },
    })
    telemetry('gh-1', { temperature: 22, humidity: 50 })
    telemetry('gh-1', { temperature: 34.5, humidity: 90 })
    await expect.poll(() => shown.length, { timeout: 3000 }).toBe(1)
    expect(shown[0]!.title).toContain('Greenhouse too hot')
    expect(`${shown[0]!.title} ${shown[0]!.body}`).toContain('gh-1')
    // Both rules fired (the log has both); only one was shown.
    const log = (await call('alerts.log', { status: 'active' })) as { total: number }
    expect(log.total).toBe(2)

    telemetry('gh-1', { temperature: 21, humidity: 50 })
    await expect.poll(() => shown.length, { timeout: 3000 }).toBe(2)
    expect(shown[1]!.title).toContain('Greenhouse too hot')
    expect(shown[1]!.title).not.toBe(shown[0]!.title)
  })
})
