import { describe, expect, it } from 'vitest'
import {
  addAllToSpark,
  SPARK_BUCKET_MS,
  SPARK_WINDOW_MS,
} from '../../../src/renderer/src/store/spark-buffer'

const MIN = SPARK_BUCKET_MS

describe('addAllToSpark', () => {
  it('averages readings of the same minute into one point', () => {
    const line = addAllToSpark(
      [],
      [
        { ts: 10 * MIN + 1000, value: 20 },
        { ts: 10 * MIN + 2000, value: 22 },
        { ts: 11 * MIN, value: 30 },
      ],
    )
    expect(line).toEqual([
      { t: 10.5 * MIN, v: 21, n: 2 },
      { t: 11.5 * MIN, v: 30, n: 1 },
    ])
  })

  it('folds a late reading into the newest point rather than reordering the line', () => {
    const line = addAllToSpark([{ t: 11.5 * MIN, v: 30, n: 1 }], [{ ts: 5 * MIN, value: 10 }])
    expect(line).toEqual([{ t: 11.5 * MIN, v: 20, n: 2 }])
  })

  it('drops points older than the window and leaves the old array untouched', () => {
    const old = [{ t: 0.5 * MIN, v: 1, n: 1 }]
    const line = addAllToSpark(old, [{ ts: SPARK_WINDOW_MS + 3 * MIN, value: 2 }])
    expect(line).toEqual([{ t: SPARK_WINDOW_MS + 3.5 * MIN, v: 2, n: 1 }])
    expect(old).toEqual([{ t: 0.5 * MIN, v: 1, n: 1 }])
  })
})
