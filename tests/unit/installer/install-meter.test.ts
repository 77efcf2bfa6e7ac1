import { describe, expect, it } from 'vitest'
import { InstallMeter } from '../../../src/main/core/installer/install-progress'
import type { InstallProgress } from '../../../src/shared/contract/installer'
import { FakeClock } from '../../helpers/fake-clock'

describe('InstallMeter: one bar over the stages that apply', () => {
  it('rescales without download and erase, never goes backwards, and times each stage', () => {
    const clock = new FakeClock(0)
    const seen: InstallProgress[] = []
    const meter = new InstallMeter('/dev/x', new Set(['download', 'erase']), clock, (p) =>
      seen.push(p),
    )
    meter.stage('detect', { percent: 100, message: 'found' })
    clock.advance(1000)
    meter.stage('write', { percent: 50, message: 'w', bytesPerSecond: 1000.4, etaSeconds: 3.6 })
    meter.stage('write', { percent: 10, message: 'retry' }) // a retry must not move the bar back
    clock.advance(2000)
    meter.stage('wait-online', { percent: 100, message: 'online' })
    meter.done('ok')
    const percents = seen.map((p) => p.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    // detect (3) + half of write (40) over 3+40+4+20+3+2+8 = 80
    expect(seen[1]).toMatchObject({
      stage: 'write',
      stagePercent: 50,
      bytesPerSecond: 1000,
      etaSeconds: 4,
    })
    expect(seen[1]!.percent).toBeCloseTo(28.75, 0)
    expect(seen.at(-1)).toMatchObject({ stage: 'done', percent: 100 })
    expect(meter.durationsMs).toEqual({ detect: 1000, write: 2000, 'wait-online': 0 })
  })

  it('failed keeps the reached percent and carries the hint', () => {
    const seen: InstallProgress[] = []
    const meter = new InstallMeter('p', new Set(), new FakeClock(0), (p) => seen.push(p))
    meter.deviceId = 'esp32-1'
    meter.stage('upload', { percent: 50, message: 'u' })
    meter.failed('boom', 'NO_SYNC', 'press BOOT')
    expect(seen.at(-1)).toMatchObject({
      stage: 'failed',
      failure: 'NO_SYNC',
      hint: 'press BOOT',
      deviceId: 'esp32-1',
      percent: seen[0]!.percent,
    })
  })
})
