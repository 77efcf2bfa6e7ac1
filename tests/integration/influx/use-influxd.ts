import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { tempDir } from '../../helpers/temp-dir'
import { Influxd } from './influxd'

/** What a test file gets from useInfluxd: read inside tests, after beforeAll ran. */
export interface InfluxdFixture {
  /** The running server (tests may stop and start it). */
  readonly influxd: Influxd
  /** A temp folder for the file's own data (the server's lives in `influxd/` below it). */
  readonly dir: string
}

/**
 * One real influxd for the whole test file (in its own temp folder, on free ports): started
 * before all tests, stopped and removed after all. Kept apart from influxd.ts because that
 * one is also imported by Playwright specs, which must not load vitest.
 */
export function useInfluxd(prefix: string): InfluxdFixture {
  let dir: { path: string; cleanup: () => Promise<void> } | undefined
  let influxd: Influxd | undefined
  beforeAll(async () => {
    dir = await tempDir(prefix)
    influxd = await Influxd.create(join(dir.path, 'influxd'))
    await influxd.start()
  })
  afterAll(async () => {
    await influxd?.stop()
    await dir?.cleanup()
  })
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useInfluxd: read the fixture inside a test')
    return value
  }
  return {
    get influxd() {
      return started(influxd)
    },
    get dir() {
      return started(dir).path
    },
  }
}
