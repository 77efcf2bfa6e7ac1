import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PRUNE_SQL } from '../../src/main/core/readings/readings-retention'
import { openReadingsDb } from '../../src/main/core/readings/readings-schema'
import { ROLLUP_TIERS } from '../../src/main/core/readings/rollup-accumulator'
import { tempDir } from '../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }

beforeEach(async () => {
  dir = await tempDir('readings-retention-')
})

afterEach(async () => {
  await dir.cleanup()
})

describe('pruning', () => {
  it('walks an index for every statement, never scanning a table', () => {
    const db = openReadingsDb(join(dir.path, 'readings.sqlite'))
    try {
      const plan = (sql: string): string =>
        db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(1, 2)
          .map((row) => String(row.detail))
          .join('; ')
      expect(plan(PRUNE_SQL.measureRaw)).toMatch(
        /^SEARCH samples USING INDEX samples_device_ts \(device=\? AND ts<\?\)$/,
      )
      expect(plan(PRUNE_SQL.deleteRaw)).toMatch(
        /^SEARCH samples USING INDEX samples_device_ts \(device=\? AND ts<\?\)$/,
      )
      for (const tier of ROLLUP_TIERS) {
        expect(plan(PRUNE_SQL.deleteRollup(tier.table))).toBe(
          `SEARCH ${tier.table} USING PRIMARY KEY (series=? AND bucket<?)`,
        )
      }
    } finally {
      db.close()
    }
  })
})
