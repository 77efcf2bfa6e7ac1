import { afterEach, describe, expect, it } from 'vitest'
import { parseTime } from '../../../src/main/cli/export-command'

const savedTz = process.env.TZ
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ
  else process.env.TZ = savedTz
})

describe('export --from/--to', () => {
  it('reads a date-time without a zone as UTC, whatever the machine’s time zone', () => {
    for (const tz of ['America/New_York', 'Asia/Tokyo', 'UTC']) {
      process.env.TZ = tz
      expect(parseTime('2026-12-02T17:40:00', 0, '--from')).toBe(Date.UTC(2026, 11, 2, 17, 40))
      expect(parseTime('2026-12-02 17:40', 0, '--from')).toBe(Date.UTC(2026, 11, 2, 17, 40))
      expect(parseTime('2026-12-02', 0, '--from')).toBe(Date.UTC(2026, 11, 2))
    }
  })

  it('honours an explicit offset and takes epoch ms as they are', () => {
    process.env.TZ = 'America/New_York'
    expect(parseTime('2026-12-02T17:40:00+01:00', 0, '--to')).toBe(Date.UTC(2026, 11, 2, 16, 40))
    expect(parseTime('2026-12-02T17:40:00Z', 0, '--to')).toBe(Date.UTC(2026, 11, 2, 17, 40))
    expect(parseTime('1764697200000', 0, '--to')).toBe(1764697200000)
    expect(() => parseTime('yesterday', 0, '--to')).toThrow(/--to: "yesterday" is not/)
  })
})
