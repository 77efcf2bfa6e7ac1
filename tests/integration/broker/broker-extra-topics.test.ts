/**
 * Issue 14 items 1 and 2 against the real embedded broker: a hand-made login with extra
 * topics gets the seed board's `home/sensors/temp_hum` through (with the tutorial's own
 * CLIENT_ID as its device id), an edit applies to connected clients at once, other devices'
 * topics stay out of reach, and every refusal is counted per login.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { IClientOptions, MqttClient } from 'mqtt'
import { describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import { CredentialStore } from '../../../src/main/core/broker/credential-store'
import { type BrokerRig, useBrokerRigs } from '../mqtt/fixtures/broker-rig'

const run = promisify(execFile)
const SEED_ID = 'ESP32_Sensor_01'
const SEED_TOPIC = 'home/sensors/temp_hum'

const rigs = useBrokerRigs('extra')
const setup = (): Promise<BrokerRig> => rigs.setup()
const client = (s: BrokerRig, options: IClientOptions): Promise<MqttClient> =>
  rigs.client(s.url, options)

/** The tutorial's publish, done by the real mosquitto_pub with the login the app issued. */
function seedPublish(s: BrokerRig, user: string, password: string): Promise<unknown> {
  return run('mosquitto_pub', [
    ...['-h', '127.0.0.1', '-p', String(s.port), '-i', SEED_ID, '-u', user, '-P', password],
    ...['-t', SEED_TOPIC, '-m', 'temp:21,hum:40', '-q', '1'],
  ])
}

/** Whether the broker granted the subscription (SUBACK 0x80 = failure, §3.9.3). */
async function subscribed(c: MqttClient, filter: string): Promise<boolean> {
  try {
    const granted = await c.subscribeAsync(filter)
    return granted[0]?.qos !== 128
  } catch (error) {
    if (/Subscribe error/.test((error as Error).message)) return false
    throw error
  }
}

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('logins with extra topics', () => {
  it('the seed board gets through with a hand-made login that allows its topic', async () => {
    const s = await setup()
    const plain = await s.credentials.issue(SEED_ID)
    // Without the extra topic: refused (PUBLISH QoS 1 gets no PUBACK, the connection closes).
    await expect(seedPublish(s, plain.username, plain.password)).rejects.toThrow()
    await waitFor(() => s.broker.refusals.summary().total === 1)
    expect(s.broker.refusals.summary().entries).toMatchObject([
      { username: SEED_ID, clientId: SEED_ID, action: 'publish', topic: SEED_TOPIC, count: 1 },
    ])
    expect(s.published.some((m) => m.topic === SEED_TOPIC)).toBe(false)

    const issued = await s.credentials.issue(SEED_ID, { allow: ['home/sensors/#'] })
    expect(issued.allow).toEqual(['home/sensors/#'])
    await seedPublish(s, issued.username, issued.password)
    await waitFor(() => s.published.some((m) => m.topic === SEED_TOPIC))
    const message = s.published.find((m) => m.topic === SEED_TOPIC)
    expect(Buffer.from(message!.payload).toString()).toBe('temp:21,hum:40')
    expect(message!.login).toBe(SEED_ID)
  })

  it('an edit applies to a connected client at once; other devices stay out of reach', async () => {
    const s = await setup()
    const dev = await s.credentials.issue('dev-a')
    await s.credentials.issue('dev-b')
    const c = await client(s, { clientId: 'dev-a', username: 'dev-a', password: dev.password })
    expect(await subscribed(c, 'home/+/temp')).toBe(false)

    await expect(s.credentials.update('dev-a', ['iot/dev-b/cmd'])).rejects.toThrow(/other devices/)
    await expect(s.credentials.update('dev-a', ['iot/+/cmd'])).rejects.toThrow(/other devices/)
    await expect(s.credentials.update('nobody', ['home/#'])).rejects.toThrow(/No broker login/)
    const updated = await s.credentials.update('dev-a', ['home/#'])
    expect(updated.allow).toEqual(['home/#'])
    expect(await subscribed(c, 'home/+/temp')).toBe(true)
    expect(await subscribed(c, '#')).toBe(false)
    expect(await subscribed(c, 'iot/+/cmd')).toBe(false)

    const got: string[] = []
    c.on('message', (topic) => got.push(topic))
    await c.publishAsync('home/kitchen/temp', '21', { qos: 1 })
    await waitFor(() => got.includes('home/kitchen/temp'))
    const refused = s.broker.refusals.summary().entries.filter((e) => e.username === 'dev-a')
    expect(refused.map((e) => [e.action, e.topic, e.count])).toEqual([
      ['subscribe', 'iot/+/cmd', 1],
      ['subscribe', '#', 1],
      ['subscribe', 'home/+/temp', 1],
    ])
  })

  it('counts a publish into $SYS too, even with a login that allows everything else', async () => {
    const s = await setup()
    const dev = await s.credentials.issue('dev-a', { allow: ['home/#'] })
    const c = await client(s, { clientId: 'dev-a', username: 'dev-a', password: dev.password })
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    c.publish('$SYS/broker/uptime', 'forged', { qos: 1 })
    await closed
    await waitFor(() => s.broker.refusals.summary().total === 1)
    expect(s.broker.refusals.summary().entries[0]).toMatchObject({
      username: 'dev-a',
      action: 'publish',
      topic: '$SYS/broker/uptime',
    })
  })

  it('keeps extra topics across a restart and loads files written before them', async () => {
    const s = await setup()
    await s.credentials.issue('dev-a', { allow: ['home/a'] })
    const reloaded = new CredentialStore(s.dir, systemClock, silentLogger)
    await reloaded.load()
    expect(reloaded.list().map((c) => c.allow)).toEqual([['home/a']])

    // A file as the app wrote it before extra topics existed.
    const old = mkdtempSync(join(tmpdir(), 'iotcc-extra-old-'))
    try {
      const entry = { deviceId: 'old', username: 'old', createdAt: 1, salt: 'AA==', hash: 'AA==' }
      writeFileSync(
        join(old, 'broker-credentials.json'),
        JSON.stringify({ version: 1, data: { devices: [entry] } }),
      )
      const store = new CredentialStore(old, systemClock, silentLogger)
      await store.load()
      expect(store.warnings).toEqual([])
      expect(store.list()).toEqual([{ deviceId: 'old', username: 'old', createdAt: 1, allow: [] }])
    } finally {
      rmSync(old, { recursive: true, force: true })
    }
  })
})
