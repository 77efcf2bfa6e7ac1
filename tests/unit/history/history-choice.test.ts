import { describe, expect, it } from 'vitest'
import { Settings } from '../../../src/shared/contract/settings'
import { defaultIntegrations } from '../../../src/main/core/integrations/integrations-store'
import { resolveHistoryChoice } from '../../../src/main/core/readings/history-choice'
import { parseHistoryFlags } from '../../../src/main/core/readings/history-flags'

const saved = { ...defaultIntegrations().influx, username: 'app', password: 'saved-pw' }
const settings = (store: 'sqlite' | 'influx'): Settings => Settings.parse({ history: { store } })

describe('choosing the history store', () => {
  it('keeps SQLite by default, and for a settings file written before the choice existed', () => {
    expect(Settings.parse({}).history).toEqual({ store: 'sqlite' })
    expect(resolveHistoryChoice(Settings.parse({}), saved)).toEqual({ kind: 'sqlite' })
  })

  it('uses the InfluxDB saved under Integrations when settings say influx', () => {
    const choice = resolveHistoryChoice(settings('influx'), saved)
    expect(choice).toMatchObject({
      kind: 'influx',
      target: { version: '1', url: 'http://127.0.0.1:8086', database: 'iot', password: 'saved-pw' },
    })
    // A crash loses at most 250 ms of readings (forwarding waits 5 s to batch for the network).
    expect(choice.kind === 'influx' && choice.target.flushIntervalS).toBe(0.25)
    expect(choice.kind === 'influx' && choice.target.maxQueueMB).toBe(1024)
  })

  it('lets serve flags win: URL with database and credentials, version, org, token', () => {
    const v1 = parseHistoryFlags({ 'influx-url': 'http://bob:p%40ss@db.lan:8087/farm' }, {})
    expect(v1.store).toBe('influx')
    expect(resolveHistoryChoice(settings('sqlite'), saved, v1)).toMatchObject({
      kind: 'influx',
      target: { url: 'http://db.lan:8087', database: 'farm', username: 'bob', password: 'p@ss' },
    })
    const v2 = parseHistoryFlags(
      { history: 'influx', 'influx-version': '2', 'influx-org': 'school' },
      { IOTCC_HISTORY_URL: 'https://cloud.lan/sensors', IOTCC_INFLUX_TOKEN: 'tok' },
    )
    expect(resolveHistoryChoice(settings('sqlite'), saved, v2)).toMatchObject({
      kind: 'influx',
      target: {
        version: '2',
        url: 'https://cloud.lan',
        bucket: 'sensors',
        org: 'school',
        token: 'tok',
      },
    })
  })

  it('refuses bad flags with a readable message that never shows a password', () => {
    expect(() => parseHistoryFlags({ history: 'mysql' }, {})).toThrow(/sqlite or influx/)
    expect(() => parseHistoryFlags({ 'influx-version': '3' }, {})).toThrow(/1 or 2/)
    let message = ''
    try {
      parseHistoryFlags({ 'influx-url': 'ftp://u:topsecret@host/db' }, {})
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/must look like/)
    expect(message).not.toContain('topsecret')
    expect(() =>
      parseHistoryFlags({ history: 'sqlite', 'influx-url': 'http://h:8086/db' }, {}),
    ).toThrow(/contradict/)
    expect(() =>
      resolveHistoryChoice(settings('influx'), { ...saved, version: '2', org: '' }),
    ).toThrow(/organisation and a bucket/)
  })
})
