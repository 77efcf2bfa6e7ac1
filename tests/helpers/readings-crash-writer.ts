/**
 * Child process for the crash test: stores `before` and merges its rollups (prune checkpoints
 * first), stores `after` (raw rows committed, rollup deltas still in memory), then dies by
 * SIGKILL, like a kill -9, without closing the store.
 *   node --import ./tests/simulators/ts-register.mjs tests/helpers/readings-crash-writer.ts DIR FILE
 */
import { readFileSync } from 'node:fs'
import { systemClock } from '../../src/main/core/base/clock'
import { silentLogger } from '../../src/main/core/base/logger'
import { ReadingsStore } from '../../src/main/core/readings/readings-store'
import type { Message } from './readings-oracle'

const [dataDir, file] = process.argv.slice(2)
const { before, after } = JSON.parse(readFileSync(file!, 'utf8')) as Record<string, Message[]>
const store = new ReadingsStore({
  dataDir: dataDir!,
  clock: systemClock,
  logger: silentLogger,
  retentionDays: () => 36_500,
  minuteRetentionDays: () => 36_500,
  hourRetentionDays: () => 36_500,
  checkpointMs: 3_600_000,
})
for (const m of before!) store.add(m.deviceId, m.ts, m.seq, m.readings)
store.prune()
for (const m of after!) store.add(m.deviceId, m.ts, m.seq, m.readings)
store.flush()
process.stdout.write('flushed\n', () => process.kill(process.pid, 'SIGKILL'))
