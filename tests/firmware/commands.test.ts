import { describe, expect, it } from 'vitest'
import { baseConfig, FirmwareSim, TOPICS } from './harness'

async function online(over: Record<string, unknown> = {}) {
  const fw = await FirmwareSim.start({ config: baseConfig(over) })
  fw.startApp()
  fw.runUntil('sim.app.link.connected and sim.app.seq >= 1', 30_000)
  return fw
}

/** Sends a command on iot/<id>/cmd and returns the ack that answers it. */
function command(fw: FirmwareSim, cmd: unknown): Record<string, unknown> {
  const acks = (): Array<Record<string, unknown>> => fw.events().filter((e) => e.event === 'ack')
  const before = acks().length
  fw.inject(TOPICS.cmd, typeof cmd === 'string' ? cmd : JSON.stringify(cmd))
  fw.runUntil(
    `len([e for e in umqtt.simple.log if e.get("topic") == "${TOPICS.event}" and '"ack"' in e["msg"]]) > ${before}`,
    5_000,
  )
  return acks().at(-1) ?? {}
}

describe('commands on iot/<id>/cmd', () => {
  it('set: applies interval, thresholds and QoS at once, persists them to config.json, acks', async () => {
    const fw = await online({ unknown_key: 'kept' })
    const ack = command(fw, {
      cmd: 'set',
      id: 'r1',
      interval: 30,
      delta_t: 0.2,
      delta_h: 2,
      max_silence: 600,
      qos: 0,
    })
    expect(ack).toMatchObject({
      cmd: 'set',
      ok: true,
      ref: 'r1',
      applied: { interval_s: 30, delta_t: 0.2, delta_h: 2, max_silence_s: 600, qos: 0 },
    })
    const saved = JSON.parse(fw.readFile('/config.json') ?? '{}') as Record<
      string,
      Record<string, unknown>
    >
    expect(saved.report).toMatchObject({
      interval_s: 30,
      delta_t: 0.2,
      delta_h: 2,
      max_silence_s: 600,
    })
    expect(saved.mqtt).toMatchObject({ qos: 0, host: '192.168.1.50' })
    expect(saved.unknown_key).toBe('kept')
    // Live: reads every 30 s now, a 0.3 degC step is enough, telemetry goes out at QoS 0.
    const n = fw.eval<number>('len(dht.measures)')
    fw.exec('dht.set(21.3, 40.0)')
    fw.runFor(90_000)
    const reads = fw.eval<number[]>('dht.measures').slice(n)
    expect(reads.slice(1).map((r, i) => r - (reads[i] ?? 0))).toEqual([30_000, 30_000])
    const last = fw.publishes(TOPICS.telemetry).at(-1)
    expect(last?.qos).toBe(0)
    expect(JSON.parse(last?.msg ?? '{}')).toMatchObject({ temperature: 21.3 })
  })

  it('set: rejects bad values as a whole, changing nothing', async () => {
    const fw = await online()
    const before = fw.readFile('/config.json')
    expect(command(fw, { cmd: 'set', interval: 20, qos: 2 })).toMatchObject({
      ok: false,
      error: 'bad value for qos',
    })
    expect(command(fw, { cmd: 'set', interval: 1 })).toMatchObject({
      ok: false,
      error: expect.stringContaining('minimum'),
    })
    expect(command(fw, { cmd: 'set', colour: 'red' })).toMatchObject({
      ok: false,
      error: 'unknown key colour',
    })
    expect(fw.readFile('/config.json')).toBe(before)
    expect(fw.eval<number>('sim.app.t_sensor.period')).toBe(10_000)
  })

  it('identify: blinks the on-board LED for the given seconds, then leaves it off', async () => {
    const fw = await online({ led_pin: 2 })
    expect(command(fw, { cmd: 'identify', seconds: 3 })).toMatchObject({ ok: true, seconds: 3 })
    fw.runFor(5000)
    const writes = fw.eval<Array<[number, number, number]>>(
      '[w for w in machine.writes if w[1] == 2]',
    )
    const on = writes.filter((w) => w[2] === 1)
    expect(on.length).toBeGreaterThanOrEqual(5)
    const span = (writes.at(-1)?.[0] ?? 0) - (on[0]?.[0] ?? 0)
    expect(span).toBeGreaterThanOrEqual(2800)
    expect(span).toBeLessThanOrEqual(3400)
    expect(writes.at(-1)?.[2]).toBe(0)
  })

  it('report: publishes a reading and the info right away, bypassing the thresholds', async () => {
    const fw = await online()
    const telemetry = fw.publishes(TOPICS.telemetry).length
    const info = fw.publishes(TOPICS.info).length
    expect(command(fw, { cmd: 'report' })).toMatchObject({ cmd: 'report', ok: true })
    expect(fw.publishes(TOPICS.telemetry)).toHaveLength(telemetry + 1)
    expect(fw.publishes(TOPICS.info)).toHaveLength(info + 1)
  })

  it('reboot: acks, says offline (retained), disconnects, then resets', async () => {
    const fw = await online()
    expect(command(fw, { cmd: 'reboot' })).toMatchObject({ cmd: 'reboot', ok: true })
    const acked = fw.elapsed()
    expect(() => fw.runFor(5000)).toThrow(/machine.reset/)
    const [at] = fw.eval<Array<[number, string]>>('machine.resets')[0] ?? []
    expect((at ?? 0) - acked).toBeGreaterThanOrEqual(800)
    expect(fw.publishes(TOPICS.status).at(-1)).toMatchObject({
      msg: 'offline',
      retain: true,
      qos: 1,
    })
    expect(fw.mqttLog().at(-1)?.op).toBe('disconnect')
  })

  it('answers nonsense with a nack and keeps running', async () => {
    const fw = await online()
    expect(command(fw, 'not json')).toMatchObject({ cmd: null, ok: false, error: 'invalid JSON' })
    expect(command(fw, '[1,2]')).toMatchObject({ ok: false, error: 'expected a JSON object' })
    expect(command(fw, { cmd: 'selfdestruct' })).toMatchObject({
      cmd: 'selfdestruct',
      ok: false,
      error: 'unknown command',
    })
    expect(command(fw, { cmd: '__init__' })).toMatchObject({ ok: false, error: 'unknown command' })
    expect(fw.eval<number>('sim.app.sched.worst_fails()')).toBe(0)
  })

  it('handles a command flood a few per tick, in order, without recursing into umqtt', async () => {
    const fw = await online()
    for (let i = 0; i < 10; i++) fw.inject(TOPICS.cmd, JSON.stringify({ cmd: 'identify', id: i }))
    fw.runFor(100)
    const early = fw.events().filter((e) => e.event === 'ack').length
    expect(early).toBeGreaterThan(0)
    expect(early).toBeLessThan(10) // at most 4 per 100 ms receive tick
    fw.runFor(2000)
    const acks = fw.events().filter((e) => e.event === 'ack')
    expect(acks.map((a) => a.ref)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(fw.eval<number>('sim.app.link.lost')).toBe(0)
  })
})
