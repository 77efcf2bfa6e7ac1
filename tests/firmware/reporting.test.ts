import { describe, expect, it } from 'vitest'
import { baseConfig, FirmwareSim, TOPICS } from './harness'

interface Telemetry {
  temperature: number
  humidity: number
  ts?: number
  seq: number
}

const TRUE_EPOCH = 1732700000 // fake_time.TRUE_EPOCH: Unix time at fake power-on

function telemetry(fw: FirmwareSim): Telemetry[] {
  return fw.publishes(TOPICS.telemetry).map((p) => JSON.parse(p.msg) as Telemetry)
}

async function online(report: Record<string, number>, over: Record<string, unknown> = {}) {
  const fw = await FirmwareSim.start({
    config: baseConfig({
      report: { interval_s: 10, delta_t: 0.5, delta_h: 1.0, ...report },
      ...over,
    }),
  })
  fw.startApp()
  fw.runUntil(
    `len([e for e in umqtt.simple.log if e.get("topic") == "${TOPICS.telemetry}"]) == 1`,
    30_000,
  )
  return fw
}

describe('threshold reporting', () => {
  it('publishes the first reading as the documented JSON, with ts and seq', async () => {
    const fw = await online({})
    const [p] = fw.publishes(TOPICS.telemetry)
    expect(p).toMatchObject({ retain: false, qos: 1 })
    // Exact bytes: key order and format as in DESIGN.md.
    expect(p?.msg).toMatch(/^\{"temperature":21\.0,"humidity":40\.0,"ts":\d+,"seq":1\}$/)
    const read = fw.eval<number[]>('dht.measures')[0] ?? -1
    expect(telemetry(fw)[0]?.ts).toBe(TRUE_EPOCH + Math.floor(read / 1000))
  })

  it('stays quiet for a 0.3 degC change and publishes a 0.6 degC one', async () => {
    const fw = await online({ max_silence_s: 3600, min_interval_s: 0 })
    fw.exec('dht.set(21.3, 40.0)')
    fw.runFor(30_000)
    expect(telemetry(fw)).toHaveLength(1)
    fw.exec('dht.set(21.6, 40.0)')
    fw.runFor(10_000)
    expect(telemetry(fw).map((t) => t.temperature)).toEqual([21.0, 21.6])
    expect(telemetry(fw).map((t) => t.seq)).toEqual([1, 2])
  })

  it('measures the change from the last published value, not the last reading', async () => {
    const fw = await online({ min_interval_s: 0 })
    // 0.3 then another 0.3: each step is small, together they exceed delta_t.
    fw.exec('dht.set(21.3, 40.0)')
    fw.runFor(10_000)
    fw.exec('dht.set(21.6, 40.0)')
    fw.runFor(10_000)
    expect(telemetry(fw).map((t) => t.temperature)).toEqual([21.0, 21.6])
  })

  it('applies delta_h to humidity: 0.9 %RH is quiet, 1.2 %RH is published', async () => {
    const fw = await online({ min_interval_s: 0 })
    fw.exec('dht.set(21.0, 40.9)')
    fw.runFor(20_000)
    expect(telemetry(fw)).toHaveLength(1)
    fw.exec('dht.set(21.0, 41.2)')
    fw.runFor(10_000)
    expect(telemetry(fw).map((t) => t.humidity)).toEqual([40.0, 41.2])
  })

  it('sends a heartbeat after max_silence_s of unchanged values, and only then', async () => {
    const fw = await online({ max_silence_s: 60 })
    fw.runFor(180_000)
    const ts = telemetry(fw).map((t) => t.ts ?? 0)
    expect(ts).toHaveLength(4) // first + 3 heartbeats
    const gaps = ts.slice(1).map((t, i) => t - (ts[i] ?? 0))
    for (const gap of gaps) expect(gap).toBe(60)
  })

  it('never publishes twice within min_interval_s, however fast the values move', async () => {
    const fw = await online({ interval_s: 2, min_interval_s: 30, delta_t: 0.5 })
    for (let i = 1; i <= 30; i++) {
      fw.exec(`dht.set(${21 + i}, 40.0)`)
      fw.runFor(2000)
    }
    const ts = telemetry(fw).map((t) => t.ts ?? 0)
    expect(ts.length).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < ts.length; i++)
      expect((ts[i] ?? 0) - (ts[i - 1] ?? 0)).toBeGreaterThanOrEqual(30)
  })

  it('keeps its schedule across the 2**30 ms ticks wrap-around', async () => {
    const period = 2 ** 30
    const fw = await FirmwareSim.start({
      ticksStart: period - 45_000,
      config: baseConfig({ report: { interval_s: 10, max_silence_s: 60, min_interval_s: 0 } }),
    })
    fw.startApp()
    fw.runFor(300_000)
    expect(fw.eval<number>('fake_time.ticks_ms()')).toBeLessThan(300_000) // it did wrap
    // Sensor reads exactly every 10 s, before, across and after the wrap.
    const reads = fw.eval<number[]>('dht.measures')
    const gaps = new Set(reads.slice(1).map((r, i) => r - (reads[i] ?? 0)))
    expect([...gaps]).toEqual([10_000])
    expect(reads.length).toBeGreaterThanOrEqual(29)
    // Heartbeats every 60 s, pings keep flowing, the link never dropped.
    const ts = telemetry(fw).map((t) => t.ts ?? 0)
    expect(ts.slice(1).map((t, i) => t - (ts[i] ?? 0))).toEqual([60, 60, 60, 60])
    expect(fw.connects()).toHaveLength(1)
    // Keepalive traffic (publish or ping) never pauses longer than half the keepalive.
    const tx = fw
      .mqttLog()
      .filter((e) => e.op === 'ping' || e.op === 'publish')
      .map((e) => e.t)
    const txGaps = tx.slice(1).map((t, i) => t - (tx[i] ?? 0))
    expect(Math.max(...txGaps)).toBeLessThanOrEqual(15_200)
    expect(fw.mqttLog().filter((e) => e.op === 'ping').length).toBeGreaterThanOrEqual(10)
  })

  it('also publishes live readings in the seed format to legacy_topic (DHT11: integers)', async () => {
    const fw = await online(
      { min_interval_s: 0 },
      { legacy_topic: 'home/sensors/temp_hum', sensor: { type: 'DHT11', pin: 4 } },
    )
    // The first reading was taken before the connection and replayed: the seed format has no
    // timestamp, so replays never go to the legacy topic.
    expect(fw.publishes('home/sensors/temp_hum')).toEqual([])
    fw.exec('dht.set(23.0, 45.0)')
    fw.runFor(10_000)
    expect(fw.publishes('home/sensors/temp_hum')).toMatchObject([
      { msg: 'temp:23,hum:45', retain: false, qos: 0 },
    ])
    expect(telemetry(fw).map((t) => [t.temperature, t.humidity])).toEqual([
      [21, 40],
      [23, 45],
    ])
  })

  it('publishes retained Home Assistant discovery configs when ha_discovery is on', async () => {
    const fw = await online({}, { ha_discovery: true })
    const temp = fw.publishes('homeassistant/sensor/esp32-a1b2c3/temperature/config')
    const hum = fw.publishes('homeassistant/sensor/esp32-a1b2c3/humidity/config')
    expect(temp).toHaveLength(1)
    expect(hum).toHaveLength(1)
    expect(temp[0]?.retain).toBe(true)
    expect(JSON.parse(temp[0]?.msg ?? '')).toMatchObject({
      unique_id: 'esp32-a1b2c3_temperature',
      state_topic: TOPICS.telemetry,
      value_template: '{{ value_json.temperature }}',
      unit_of_measurement: '\u00b0C',
      device_class: 'temperature',
      availability_topic: TOPICS.status,
      payload_available: 'online',
      payload_not_available: 'offline',
      device: { identifiers: ['esp32-a1b2c3'], name: 'Living room' },
    })
  })
})
