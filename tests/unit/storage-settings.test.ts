import { describe, expect, it } from 'vitest'
import { Settings, SettingsPatch } from '../../src/shared/contract/settings'

describe('storage settings', () => {
  it('keep raw readings 90 days, minute summaries a year and hour summaries ten years by default', () => {
    expect(Settings.parse({}).storage).toEqual({
      retentionDays: 90,
      minuteRetentionDays: 365,
      hourRetentionDays: 3650,
    })
  })

  it('fill the new tiers in for a settings file written before they existed', () => {
    expect(Settings.parse({ storage: { retentionDays: 14 } }).storage).toEqual({
      retentionDays: 14,
      minuteRetentionDays: 365,
      hourRetentionDays: 3650,
    })
  })

  it('accept a change of one tier and refuse days that are not whole and positive', () => {
    expect(SettingsPatch.parse({ storage: { hourRetentionDays: 20_000 } })).toEqual({
      storage: { hourRetentionDays: 20_000 },
    })
    for (const bad of [0, 1.5, -3, 40_000]) {
      const result = SettingsPatch.safeParse({ storage: { hourRetentionDays: bad } })
      expect(result.success).toBe(false)
      expect(result.error?.issues[0]?.path).toEqual(['storage', 'hourRetentionDays'])
    }
    expect(SettingsPatch.safeParse({ storage: { minuteRetentionDays: 3651 } }).success).toBe(false)
  })
})

describe('settings patches', () => {
  it('carry only the fields a person changed, in every section, so the others keep their value', () => {
    expect(SettingsPatch.parse({ ui: { theme: 'dark' } })).toEqual({ ui: { theme: 'dark' } })
    expect(SettingsPatch.parse({ devices: { offlineAfterS: 60 } })).toEqual({
      devices: { offlineAfterS: 60 },
    })
    expect(SettingsPatch.parse({ broker: { port: 1884 } })).toEqual({ broker: { port: 1884 } })
    expect(SettingsPatch.parse({ storage: { retentionDays: 7 } })).toEqual({
      storage: { retentionDays: 7 },
    })
  })
})
