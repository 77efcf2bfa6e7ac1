/**
 * Desktop notifications for alerts (issue 15.4) from a real core: readings ingested as MQTT
 * messages, rules evaluated by the alert service, SQLite underneath. Only Electron's
 * Notification is a stand-in; it records what would be shown.
 */
import { describe, expect, it } from 'vitest'
import { notifyAlerts } from '../../../src/main/shell/alert-notifications'
import { useShellCore } from './fixtures/use-shell-core'

const shell = useShellCore('shell-notify-')

function telemetry(id: string, payload: object): void {
  shell.core.ingest({
    topic: `iot/${id}/telemetry`,
    payload: new TextEncoder().encode(JSON.stringify(payload)),
    qos: 0,
    retain: false,
    receivedAt: Date.now(),
    source: 'embedded',
  })
}

async function call(method: string, params: unknown): Promise<unknown> {
  const outcome = await shell.core.call(method, params)
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`)
  return outcome.result
}

describe('alert notifications from the core', () => {
  it('shows a rule firing and clearing, and nothing for a rule whose notify is off', async () => {
    const shown: { title: string; body: string }[] = []
    notifyAlerts(
      shell.core.events,
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
