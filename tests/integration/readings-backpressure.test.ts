/**
 * When the readings database cannot be written (another process holds a write lock), the
 * store keeps what it was given and retries; the ingestor holds publishers back meanwhile.
 * Nothing is lost unless the outage outlasts the retry window, and then it is counted.
 */
import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { DeviceRegistry } from '../../src/main/core/devices/device-registry'
import { Ingestor } from '../../src/main/core/ingest/ingestor'
import { ReadingsStore } from '../../src/main/core/readings/readings-store'
import { FakeClock } from '../helpers/fake-clock'
import { tempDir } from '../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
let store: ReadingsStore
let registry: DeviceRegistry
let ingestor: Ingestor
let locker: DatabaseSync | undefined

function telemetry(seq: number): void {
  ingestor.ingest({
    topic: 'iot/d1/telemetry',
    payload: Buffer.from(JSON.stringify({ temperature: 20 + (seq % 10), seq })),
    qos: 1,
    retain: false,
    receivedAt: clock.now(),
    source: 'embedded',
  })
}

/** Another connection takes the write lock, as a backup or a second tool might. */
function lockDatabase(): void {
  locker = new DatabaseSync(join(dir.path, 'readings.sqlite'))
  locker.exec('BEGIN IMMEDIATE')
}

function unlockDatabase(): void {
  locker?.exec('ROLLBACK')
  locker?.close()
  locker = undefined
}

beforeEach(async () => {
  dir = await tempDir('readings-bp-')
  clock = new FakeClock(Date.UTC(2026, 0, 15))
  store = new ReadingsStore({
    dataDir: dir.path,
    clock,
    logger: silentLogger,
    retentionDays: () => 90,
    batchSize: 10,
    retryForMs: 30_000,
  })
  registry = new DeviceRegistry({
    dataDir: dir.path,
    clock,
    logger: silentLogger,
    offlineAfterS: () => 600,
  })
  await registry.load()
  ingestor = new Ingestor({
    registry,
    store,
    clock,
    logger: silentLogger,
    emit: () => undefined,
    prefix: () => 'iot',
    highWater: 25,
  })
})

afterEach(async () => {
  unlockDatabase()
  ingestor.close()
  await registry.close()
  store.close()
  await dir.cleanup()
})

describe('readings store under a locked database', () => {
  it('keeps readings, holds publishers back, and writes everything once the lock goes', () => {
    lockDatabase()
    const released: number[] = []
    for (let seq = 0; seq < 40; seq++) {
      telemetry(seq)
      ingestor.admit(() => released.push(seq))
    }
    expect(store.stats.failed).toBe(0)
    expect(store.pending).toBe(40)
    // Past the high-water mark the broker was told to wait.
    expect(released.length).toBeLessThan(40)
    expect(ingestor.stats().backlog.paused).toBe(true)

    clock.advance(2000) // a few retries, all failing: still nothing lost
    expect(store.stats.failed).toBe(0)
    unlockDatabase()
    clock.advance(5000)
    expect(store.pending).toBe(0)
    expect(store.count('d1')).toBe(40)
    expect(released).toHaveLength(40)
    expect(ingestor.stats().backlog.paused).toBe(false)
  })

  it('gives a batch up, counted, when the outage outlasts the retry window', () => {
    lockDatabase()
    for (let seq = 0; seq < 10; seq++) telemetry(seq)
    clock.advance(31_000)
    clock.advance(5000)
    expect(store.stats.failed).toBe(10)
    expect(ingestor.stats().shed.storeFailed).toBe(10)
    unlockDatabase()
    for (let seq = 10; seq < 20; seq++) telemetry(seq)
    store.flush()
    expect(store.count('d1')).toBe(10)
  })
})
