/**
 * Webhooks wait on disk while their receiver is down, for hours rather than seconds, and
 * survive an app restart: a real HTTP receiver that is down longer than the old 7 s of
 * retries still gets the "fired" notification, exactly once. Time is a fake clock; the
 * receiver, sockets and files are real.
 */
import { readdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AlertHarness, device, TOO_HOT } from '../../unit/alerts/alert-fixtures'
import { freePort } from '../../helpers/free-port'
import { tempDir } from '../../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }
let port: number
let receiver: Server | null = null
let bodies: Record<string, unknown>[] = []
const harnesses: AlertHarness[] = []

/** Starts the receiver on the fixed port (it was "down" until now). */
async function receiverUp(status = 200): Promise<void> {
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      if (status < 300) bodies.push(JSON.parse(body) as Record<string, unknown>)
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => receiver?.listen(port, '127.0.0.1', resolve))
}

async function harness(): Promise<AlertHarness> {
  const h = await new AlertHarness(dir.path, [device('esp32-aaaaaa', { name: 'Attic' })], {
    webhook: { timeoutMs: 1000 },
  }).start()
  harnesses.push(h)
  return h
}

/** Moves the fake clock in steps, letting each retry's real HTTP request finish. */
async function elapse(h: AlertHarness, ms: number, step = 1000): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    h.clock.advance(step)
    await h.service.settled()
  }
}

const RULE = {
  ...TOO_HOT,
  actions: { notify: false, mqtt: false, webhook: { url: '' } },
}

beforeEach(async () => {
  dir = await tempDir('iotcc-webhook-queue-')
  bodies = []
  // A port nothing listens on: the receiver is down.
  port = await freePort()
  RULE.actions.webhook.url = `http://127.0.0.1:${port}/hook`
})
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.service.close()
  receiver?.closeAllConnections()
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()))
  receiver = null
  await dir.cleanup()
})

describe('webhook queue', () => {
  it('delivers a notification once after the receiver was down for a minute', async () => {
    const h = await harness()
    await h.rule(RULE)
    h.read('esp32-aaaaaa', { temperature: 31 })
    await h.service.settled()
    await elapse(h, 60_000)
    expect(h.service.webhookStatus()).toMatchObject({ pending: 1, delivered: 0, failed: 0 })
    expect(h.service.webhookStatus().lastError).toMatch(/unreachable/)
    await receiverUp()
    await elapse(h, 120_000)
    expect(bodies).toHaveLength(1)
    expect(bodies[0]).toMatchObject({ event: 'alert.fired', rule: { id: 'too-hot' } })
    expect(h.service.webhookStatus()).toMatchObject({ pending: 0, delivered: 1, failed: 0 })
  })

  it('keeps it across an app restart and delivers it when the receiver is back', async () => {
    const first = await harness()
    await first.rule(RULE)
    first.read('esp32-aaaaaa', { temperature: 31 })
    await first.service.settled()
    await elapse(first, 10_000)
    await first.service.close()
    harnesses.splice(harnesses.indexOf(first), 1)

    // On disk, one file per notification, while the app is not running.
    expect(readdirSync(join(dir.path, 'webhook-queue'))).toHaveLength(1)
    await receiverUp()
    const second = await harness()
    await elapse(second, 5_000)
    expect(bodies).toHaveLength(1)
    expect(bodies[0]).toMatchObject({ event: 'alert.fired' })
    expect(second.service.webhookStatus()).toMatchObject({ pending: 0, delivered: 1 })
  })

  it('gives up after 24 hours, and at once on a 4xx, counting them as failed', async () => {
    const h = await harness()
    await h.rule(RULE)
    h.read('esp32-aaaaaa', { temperature: 31 })
    await h.service.settled()
    await elapse(h, 25 * 3600_000, 10 * 60_000)
    expect(h.service.webhookStatus()).toMatchObject({ pending: 0, delivered: 0, failed: 1 })
    await receiverUp(404)
    h.read('esp32-aaaaaa', { temperature: 20 })
    await h.service.settled()
    await elapse(h, 2000)
    expect(h.service.webhookStatus()).toMatchObject({ pending: 0, failed: 2 })
    expect(h.service.webhookStatus().lastError).toMatch(/HTTP 404/)
  })
})
