import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir'
import { AlertHarness, device } from './alert-fixtures'

let dir: { path: string; cleanup: () => Promise<void> }
const open: AlertHarness[] = []

beforeEach(async () => {
  dir = await tempDir('iotcc-alerts-')
})
afterEach(async () => {
  for (const h of open.splice(0)) await h.service.close()
  await dir.cleanup()
})

async function harness(devices = [device('esp32-aaaaaa', { name: 'Living room' })]) {
  const h = await new AlertHarness(dir.path, devices).start()
  open.push(h)
  return h
}

describe('threshold rules', () => {
  it('fire only after the minimum duration, do not flap inside the hysteresis band, then clear', async () => {
    const h = await harness()
    await h.rule({
      name: 'Too hot',
      target: { type: 'all' },
      condition: {
        type: 'threshold',
        metric: 'temperature',
        direction: 'above',
        value: 30,
        hysteresis: 0.5,
      },
      forMinutes: 2,
    })
    h.read('esp32-aaaaaa', { temperature: 30.5 })
    h.minutes(1)
    h.read('esp32-aaaaaa', { temperature: 30.4 })
    expect(h.notices('alert.fired')).toHaveLength(0)

    h.minutes(1.2) // the 10 s tick notices the 2 minutes have passed
    const fired = h.notices('alert.fired')
    expect(fired).toHaveLength(1)
    expect(fired[0]).toMatchObject({
      notify: true,
      title: '⚠ Too hot',
      body: 'Living room: temperature 30.4 °C is above 30 °C',
      incident: { ruleId: 'too-hot', deviceId: 'esp32-aaaaaa', value: 30.4, clearedAt: null },
    })

    for (const t of [29.8, 30.2, 29.6, 30.6, 29.51]) {
      h.minutes(0.5)
      h.read('esp32-aaaaaa', { temperature: t })
    }
    expect(h.notices('alert.fired')).toHaveLength(1)
    expect(h.notices('alert.cleared')).toHaveLength(0)

    h.read('esp32-aaaaaa', { temperature: 29.5 })
    const cleared = h.notices('alert.cleared')
    expect(cleared).toHaveLength(1)
    expect(cleared[0]?.incident.clearedAt).toBe(h.clock.now())
    expect(cleared[0]?.title).toBe('✓ Cleared: Too hot')

    const log = h.service.query({ status: 'all', limit: 10 })
    expect(log.total).toBe(1)
    expect(log.entries[0]?.clearedAt).not.toBeNull()
  })

  it('forget a breach that ends before the minimum duration', async () => {
    const h = await harness()
    await h.rule({
      name: 'Cold',
      target: { type: 'device', deviceId: 'esp32-aaaaaa' },
      condition: {
        type: 'threshold',
        metric: 'temperature',
        direction: 'below',
        value: 5,
        hysteresis: 1,
      },
      forMinutes: 5,
    })
    h.read('esp32-aaaaaa', { temperature: 4 })
    h.minutes(4)
    h.read('esp32-aaaaaa', { temperature: 5.2 })
    h.minutes(10)
    expect(h.notices('alert.fired')).toHaveLength(0)
    h.read('esp32-aaaaaa', { temperature: 4.9 })
    expect(h.notices('alert.fired')).toHaveLength(0)
    h.minutes(5)
    expect(h.notices('alert.fired')).toHaveLength(1)
  })

  it('watch all devices of a kind (sensor model) and leave the others alone', async () => {
    const h = await harness([
      device('dht', {
        info: { fw: null, mp: null, chip: null, sensor: 'DHT22', ip: null, mac: null, rssi: null },
      }),
      device('bme', {
        info: { fw: null, mp: null, chip: null, sensor: 'BME280', ip: null, mac: null, rssi: null },
      }),
    ])
    await h.rule({
      name: 'Humid',
      target: { type: 'kind', kind: 'dht22' },
      condition: { type: 'threshold', metric: 'humidity', direction: 'above', value: 70 },
    })
    h.read('dht', { humidity: 75 })
    h.read('bme', { humidity: 80 })
    expect(h.notices('alert.fired').map((n) => n.incident.deviceId)).toEqual(['dht'])
  })
})

describe('rate-of-change rules', () => {
  it('fire when the temperature climbs faster than the limit per 10 minutes and clear once steady', async () => {
    const h = await harness()
    await h.rule({
      name: 'Heating fast',
      target: { type: 'all' },
      condition: {
        type: 'rate',
        metric: 'temperature',
        direction: 'rising',
        perTenMin: 1.5,
        hysteresis: 0.5,
      },
    })
    for (let i = 0; i <= 5; i++) {
      h.read('esp32-aaaaaa', { temperature: 20 + i * 0.2 }) // 2 °C per 10 min
      h.minutes(1)
    }
    const fired = h.notices('alert.fired')
    expect(fired).toHaveLength(1)
    expect(fired[0]?.body).toBe('Living room: temperature rising 2 °C per 10 min (limit 1.5 °C)')
    // Level at 21 °C: the 10-minute rate sinks below 1.5 − 0.5 = 1 and the alert clears, once.
    for (let i = 0; i < 12; i++) {
      h.read('esp32-aaaaaa', { temperature: 21 })
      h.minutes(1)
    }
    expect(h.notices('alert.cleared')).toHaveLength(1)
    expect(h.notices('alert.fired')).toHaveLength(1)
  })
})

describe('offline and stale devices', () => {
  it('fire when a device stays offline longer than N minutes and clear when it returns', async () => {
    const h = await harness()
    await h.rule({
      name: 'Offline',
      target: { type: 'all' },
      condition: { type: 'offline', minutes: 5 },
    })
    h.update('esp32-aaaaaa', { online: false })
    h.minutes(4.5)
    expect(h.notices('alert.fired')).toHaveLength(0)
    h.minutes(1)
    const fired = h.notices('alert.fired')
    expect(fired).toHaveLength(1)
    expect(fired[0]?.body).toBe('Living room has been offline for 5 min')
    h.minutes(30)
    expect(h.notices('alert.fired')).toHaveLength(1)
    h.update('esp32-aaaaaa', { online: true })
    expect(h.notices('alert.cleared')).toHaveLength(1)
  })

  it('treat a device without status topic as offline once it has been silent past the timeout', async () => {
    const start = Date.UTC(2026, 0, 1, 12, 0, 0)
    const h = await harness([
      device('quiet', { presence: 'last-seen', online: true, lastSeen: start }),
    ])
    await h.rule({
      name: 'Gone',
      target: { type: 'all' },
      condition: { type: 'offline', minutes: 5 },
    })
    h.minutes(10 + 4) // offline after 10 min of silence, then 4 of the 5 minutes
    expect(h.notices('alert.fired')).toHaveLength(0)
    h.minutes(1.5)
    expect(h.notices('alert.fired')).toHaveLength(1)
  })

  it('detect a stale sensor (online, but no readings) and clear on the next reading', async () => {
    const h = await harness()
    await h.rule({
      name: 'Stale',
      target: { type: 'all' },
      condition: { type: 'stale', minutes: 15 },
    })
    h.read('esp32-aaaaaa', { temperature: 21 })
    h.minutes(14)
    expect(h.notices('alert.fired')).toHaveLength(0)
    h.minutes(1.2)
    expect(h.notices('alert.fired')[0]?.body).toBe('Living room: no readings for 15 min')
    h.read('esp32-aaaaaa', { temperature: 21 })
    expect(h.notices('alert.cleared')).toHaveLength(1)
  })

  it('leave offline devices to offline rules instead of also calling them stale', async () => {
    const h = await harness()
    await h.rule({
      name: 'Stale',
      target: { type: 'all' },
      condition: { type: 'stale', minutes: 15 },
    })
    h.read('esp32-aaaaaa', { temperature: 21 })
    h.update('esp32-aaaaaa', { online: false })
    h.minutes(60)
    expect(h.notices('alert.fired')).toHaveLength(0)
  })
})

describe('sensor errors', () => {
  it('fire on an error event and clear with the next good reading', async () => {
    const h = await harness()
    await h.rule({ name: 'Sensor', target: { type: 'all' }, condition: { type: 'sensorError' } })
    h.event('esp32-aaaaaa', { type: 'ack', level: 'info', message: 'ok' })
    expect(h.notices('alert.fired')).toHaveLength(0)
    h.event('esp32-aaaaaa', {
      type: 'sensor_error',
      level: 'error',
      message: 'DHT22 checksum error',
    })
    expect(h.notices('alert.fired')[0]?.body).toBe(
      'Living room reported an error: DHT22 checksum error',
    )
    h.minutes(1)
    h.read('esp32-aaaaaa', { temperature: 21 })
    expect(h.notices('alert.cleared')).toHaveLength(1)
  })
})

describe('rule lifecycle and quiet hours', () => {
  it('log but do not notify during quiet hours (window across midnight)', async () => {
    const h = await harness()
    await h.rule({
      name: 'Hot at night',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 25 },
      quietHours: { start: '22:00', end: '07:00' },
    })
    h.minute = 23 * 60 + 30
    h.read('esp32-aaaaaa', { temperature: 26 })
    expect(h.notices('alert.fired')[0]).toMatchObject({ notify: false, incident: { quiet: true } })
    h.minute = 8 * 60
    h.read('esp32-aaaaaa', { temperature: 20 })
    expect(h.notices('alert.cleared')[0]?.notify).toBe(false)
    h.read('esp32-aaaaaa', { temperature: 26 })
    expect(h.notices('alert.fired')[1]).toMatchObject({ notify: true, incident: { quiet: false } })
  })

  it('close open incidents when their rule is disabled, and never fire disabled rules', async () => {
    const h = await harness()
    const rule = await h.rule({
      name: 'Hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 25 },
    })
    h.read('esp32-aaaaaa', { temperature: 26 })
    await h.service.updateRule({ id: rule.id, enabled: false })
    expect(h.notices('alert.cleared')[0]?.body).toBe('Living room: rule disabled')
    h.read('esp32-aaaaaa', { temperature: 30 })
    expect(h.notices('alert.fired')).toHaveLength(1)
  })

  it('resume open incidents after a restart instead of announcing them again', async () => {
    const first = await harness()
    await first.rule({
      name: 'Hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 25 },
    })
    first.read('esp32-aaaaaa', { temperature: 26 })
    await first.service.close()
    open.splice(open.indexOf(first), 1)

    const second = await harness()
    second.read('esp32-aaaaaa', { temperature: 27 })
    expect(second.notices('alert.fired')).toHaveLength(0)
    second.read('esp32-aaaaaa', { temperature: 24 })
    expect(second.notices('alert.cleared')).toHaveLength(1)
    expect(second.service.query({ status: 'active', limit: 10 }).total).toBe(0)
  })

  it('filter and acknowledge the log', async () => {
    const h = await harness([device('a'), device('b')])
    await h.rule({
      name: 'Hot',
      target: { type: 'all' },
      condition: {
        type: 'threshold',
        metric: 'temperature',
        direction: 'above',
        value: 25,
        hysteresis: 0,
      },
    })
    h.read('a', { temperature: 26 })
    h.read('b', { temperature: 26 })
    h.read('a', { temperature: 20 })
    expect(h.service.query({ status: 'active', limit: 10 }).entries.map((e) => e.deviceId)).toEqual(
      ['b'],
    )
    expect(h.service.query({ deviceId: 'a', status: 'all', limit: 10 }).total).toBe(1)
    const [newest] = h.service.query({ status: 'all', limit: 1 }).entries
    expect(h.service.acknowledge([newest?.id ?? -1])).toBe(1)
    expect(h.service.query({ acknowledged: false, status: 'all', limit: 10 }).total).toBe(1)
    expect(h.service.acknowledge('all')).toBe(1)
    expect(h.emitted.filter((e) => e.event === 'alert.acknowledged')).toHaveLength(2)
  })
})
