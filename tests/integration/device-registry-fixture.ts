/** A DeviceRegistry on a temporary data folder and a fake clock, for the registry tests. */
import { afterEach, beforeEach } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import type { MessageMeta } from '../../src/main/core/devices/apply-update'
import { DeviceRegistry } from '../../src/main/core/devices/device-registry'
import type { DeviceUpdate } from '../../src/shared/parsers/types'
import { FakeClock } from '../helpers/fake-clock'
import { tempDir } from '../helpers/temp-dir'

export interface RegistryFixture {
  dir: string
  clock: FakeClock
  /** The open registry; replaced by reopen(). */
  registry: DeviceRegistry
  /** Ids the registry reported changed since it was opened. */
  changes: string[]
  /** Opens the folder again (after the test closed the registry itself). */
  open(): Promise<DeviceRegistry>
  /** Closes the registry and opens it again from the same folder. */
  reopen(): Promise<DeviceRegistry>
  meta(topic: string, retained?: boolean): MessageMeta
}

export function telemetry(
  deviceId: string,
  value: number,
  format: DeviceUpdate['format'] = 'seed',
): DeviceUpdate {
  return { deviceId, format, readings: [{ metric: 'temperature', value }] }
}

/** A fresh registry for every test, closed and removed after it. */
export function useRegistry(): RegistryFixture {
  let cleanup: () => Promise<void> = async () => undefined
  const open = async (): Promise<DeviceRegistry> => {
    const registry = new DeviceRegistry({
      dataDir: fixture.dir,
      clock: fixture.clock,
      logger: silentLogger,
      offlineAfterS: () => 60,
    })
    await registry.load()
    fixture.changes = []
    registry.onChange((id) => fixture.changes.push(id))
    fixture.registry = registry
    return registry
  }
  const fixture = {
    changes: [],
    open,
    meta: (topic: string, retained = false): MessageMeta => ({
      topic,
      source: 'embedded',
      receivedAt: fixture.clock.now(),
      retained,
    }),
    reopen: async () => {
      await fixture.registry.close()
      return open()
    },
  } as unknown as RegistryFixture
  beforeEach(async () => {
    const dir = await tempDir('registry-')
    cleanup = dir.cleanup
    fixture.dir = dir.path
    fixture.clock = new FakeClock(Date.UTC(2026, 0, 15))
    await open()
  })
  afterEach(async () => {
    await fixture.registry.close()
    await cleanup()
  })
  return fixture
}
