/** The registry's device cap: junk topics cannot crowd out real boards (MAX_DEVICES). */
import { describe, expect, it } from 'vitest'
import { MAX_DEVICES } from '../../src/main/core/devices/device-registry'
import type { DeviceUpdate } from '../../src/shared/parsers/types'
import { telemetry, useRegistry } from './device-registry-fixture'

const t = useRegistry()
const meta = (topic: string) => t.meta(topic)

describe('DeviceRegistry when junk topics fill it', () => {
  function fillWithJunk(): void {
    for (let i = 0; i < MAX_DEVICES; i++)
      t.registry.observe(telemetry(`junk.${i}`, i, 'number'), meta(`junk/${i}`), t.clock.now())
    expect(t.registry.list()).toHaveLength(MAX_DEVICES)
  }

  it('refuses another topic-derived device while the junk is fresh', () => {
    fillWithJunk()
    expect(
      t.registry.observe(
        telemetry('home.sensors.new', 21),
        meta('home/sensors/new'),
        t.clock.now(),
      ),
    ).toBe(false)
    expect(t.registry.has('home.sensors.new')).toBe(false)
  })

  it('always lets in a device that publishes with its login or says it is online, in place of the stalest junk', () => {
    fillWithJunk()
    const withLogin = { ...meta('iot/board-1/telemetry'), login: 'board-1' }
    expect(t.registry.observe(telemetry('board-1', 21, 'ours'), withLogin, t.clock.now())).toBe(
      true,
    )
    const birth: DeviceUpdate = {
      deviceId: 'board-2',
      format: 'ours',
      readings: [],
      online: true,
    }
    expect(t.registry.observe(birth, meta('iot/board-2/status'), t.clock.now())).toBe(true)
    expect(t.registry.has('board-1') && t.registry.has('board-2')).toBe(true)
    // The two junk topics heard longest ago gave way; the registry stays at its cap.
    expect(t.registry.has('junk.0') || t.registry.has('junk.1')).toBe(false)
    expect(t.registry.list()).toHaveLength(MAX_DEVICES)
    // Once in, they stay: more confirmed newcomers push out junk, never them.
    for (let i = 3; i < 50; i++)
      t.registry.observe(
        telemetry(`board-${i}`, 21, 'ours'),
        { ...meta(`iot/board-${i}/telemetry`), login: `board-${i}` },
        t.clock.now(),
      )
    expect(t.registry.has('board-1') && t.registry.has('board-2')).toBe(true)
  })

  it('lets a new topic-derived device replace junk that has gone silent, but never a device a person named', () => {
    fillWithJunk()
    t.registry.rename('junk.0', 'Actually my greenhouse')
    t.clock.advance(10 * 60_000)
    // junk.1 … are silent for 10 minutes now; junk.0 was named by a person and stays.
    expect(
      t.registry.observe(
        telemetry('home.sensors.new', 21),
        meta('home/sensors/new'),
        t.clock.now(),
      ),
    ).toBe(true)
    expect(t.registry.has('junk.0')).toBe(true)
    expect(t.registry.has('junk.1')).toBe(false)
  })

  it('remembers after a restart which devices are confirmed', async () => {
    t.registry.observe(
      telemetry('board-1', 21, 'ours'),
      { ...meta('iot/board-1/telemetry'), login: 'board-1' },
      t.clock.now(),
    )
    await t.reopen()
    for (let i = 0; i < MAX_DEVICES; i++)
      t.registry.observe(telemetry(`junk.${i}`, i, 'number'), meta(`junk/${i}`), t.clock.now())
    // Full: 9,999 junk got in, the 10,000th was refused; board-1 was never at risk.
    expect(t.registry.has('board-1')).toBe(true)
    expect(t.registry.list()).toHaveLength(MAX_DEVICES)
  })
})
