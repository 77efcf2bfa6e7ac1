import { describe, expect, it } from 'vitest'
import { formatLine, formatNumber, line, summarize } from '../../../bench/lib/stats'

describe('bench statistics', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(summarize([5, 1, 3])).toEqual({ value: 3, spread: [1, 5] })
    expect(summarize([4, 1, 3, 10])).toEqual({ value: 3.5, spread: [1, 10] })
  })

  it('gives no spread for a single measurement', () => {
    expect(summarize([42])).toEqual({ value: 42 })
  })

  it('ignores failed repetitions (NaN, Infinity) and is NaN when none produced a number', () => {
    expect(summarize([NaN, 2, Infinity, 4])).toEqual({ value: 3, spread: [2, 4] })
    expect(summarize([NaN]).value).toBeNaN()
    expect(summarize([]).value).toBeNaN()
  })

  it('puts the ratio of medians against the baseline on the line', () => {
    const l = line('burst.throughput', 'msg/s', [5000, 6000, 4000], {
      name: 'mosquitto+sub',
      values: [250_000, 300_000],
    })
    expect(l).toMatchObject({
      value: 5000,
      spread: [4000, 6000],
      baseline: { name: 'mosquitto+sub', value: 275_000 },
    })
    expect(l.ratio).toBeCloseTo(5000 / 275_000)
  })

  it('prints `name: value unit [min–max] (ratio X vs BASELINE …)`', () => {
    const l = line('ingest.cpu-per-msg@10k', 'µs', [42.04, 40, 45], {
      name: 'mosquitto+sub',
      values: [8.7],
    })
    expect(formatLine(l)).toBe(
      'ingest.cpu-per-msg@10k: 42 µs [40–45] (ratio 4.83 vs mosquitto+sub 8.7 µs)',
    )
    expect(formatLine(line('burst.lost', 'messages', [0]))).toBe('burst.lost: 0 messages')
  })

  it('formats large numbers with separators and small ones to three significant digits', () => {
    expect(formatNumber(288_123.4)).toBe('288,123')
    expect(formatNumber(0.045678)).toBe('0.0457')
    expect(formatNumber(16.849)).toBe('16.8')
  })
})
