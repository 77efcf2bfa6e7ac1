/**
 * `npm run -s cli -- export` piped to a file: stdout carries the CSV and nothing else (the
 * build that runs first logs only warnings, and those go to stderr), as a cron job needs.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import { ReadingsStore } from '../../../src/main/core/readings/readings-store'
import { tempDir } from '../../helpers/temp-dir'

const ROOT = resolve(__dirname, '../../..')
const run = promisify(execFile)
let dir: { path: string; cleanup: () => Promise<void> }

beforeAll(async () => {
  dir = await tempDir('cli-export-')
  const store = new ReadingsStore({
    dataDir: dir.path,
    clock: systemClock,
    logger: silentLogger,
    retentionDays: () => 90,
  })
  store.add('esp32-a1', Date.now() - 60_000, 1, [{ metric: 'temperature', value: 21.5 }])
  store.close()
})
afterAll(async () => {
  await dir.cleanup()
})

describe('npm run -s cli -- export', () => {
  it('writes only the CSV to stdout, even though it builds first', async () => {
    const { stdout } = await run(
      'npm',
      ['run', '-s', 'cli', '--', 'export', '--format', 'csv', '--data-dir', dir.path],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 },
    )
    const lines = stdout.split(/\r?\n/).filter((line) => line !== '')
    // The header row, the reading, and nothing that is not CSV (no build log, no npm banner).
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^time \(UTC\),device id,/)
    expect(lines[1]).toMatch(/,esp32-a1,.*21\.5/)
    expect(stdout).not.toMatch(/vite|built in|transforming|> esp32/i)
  }, 150_000)
})
