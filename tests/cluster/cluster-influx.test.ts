/**
 * The deployment (17, items 1-4): one Mosquitto, a real influxd 1.x, two ingest
 * `serve` processes writing to it through a shared subscription and two views reading from
 * it. Every reading is in InfluxDB exactly once per device, and each view's history (served
 * from InfluxDB) equals that, although no view ever wrote a point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useInfluxd } from '../integration/influx/use-influxd'
import { Fleet } from './fixtures/fleet'
import { Mosquitto } from './fixtures/mosquitto'
import { ensureBuild, ServeInstance } from './fixtures/serve-instance'

const DEVICES = 100
/** 5,000 messages by default; IOTCC_CLUSTER_FULL=1: the 100,000 (README "Scaling out"). */
const FULL = process.env.IOTCC_CLUSTER_FULL === '1'
const PER_DEVICE = FULL ? 1000 : 50
const RATE = Number(process.env.IOTCC_CLUSTER_RATE ?? 1000)
const DB = 'farm'

let broker: Mosquitto
const server = useInfluxd('iotcc-cluster-influx-')
const instances: ServeInstance[] = []

beforeAll(async () => {
  await ensureBuild()
  broker = new Mosquitto()
  // A lagging instance on a busy machine waits instead of losing messages at the broker.
  await broker.start(['max_queued_messages 1000000'])
}, 180_000)

afterAll(async () => {
  await Promise.all(instances.map((s) => s.destroy()))
  await broker?.destroy()
})

/** Points per device in InfluxDB (a point per message: the readings of one instant). */
async function influxPerDevice(): Promise<Map<string, number>> {
  const json = (await server.influxd.query(
    DB,
    'SELECT count("temperature") FROM "iot" GROUP BY "device"',
  )) as {
    results: { series?: { tags: { device: string }; values: [string, number][] }[] }[]
  }
  const counts = new Map<string, number>()
  for (const s of json.results[0]?.series ?? []) counts.set(s.tags.device, s.values[0]![1])
  return counts
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const value = await probe()
    if (ok(value) || Date.now() > deadline) return value
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe('two ingest instances and a view sharing Mosquitto and InfluxDB', () => {
  it('stores every reading once in InfluxDB; the view’s history is the sum', async () => {
    const history = ['--history', 'influx', '--influx-url', `${server.influxd.url}/${DB}`]
    const role = (name: string, r: string): ServeInstance => {
      const s = new ServeInstance(name, [
        '--role',
        r,
        '--mqtt-url',
        broker.url,
        '--instance-id',
        name,
        ...history,
        ...(r === 'ingest' ? ['--loss-window', '2'] : []),
      ])
      instances.push(s)
      return s
    }
    const a = role('influx-a', 'ingest')
    const b = role('influx-b', 'ingest')
    const view = role('influx-view', 'view')
    const view2 = role('influx-view-2', 'view')
    await Promise.all([a.start(), b.start(), view.start(), view2.start()])
    const fleet = new Fleet(broker.url, DEVICES)
    await fleet.connect()
    const started = Date.now()
    await fleet.publish(PER_DEVICE, RATE)
    const published = Date.now() - started
    const total = DEVICES * PER_DEVICE
    expect(fleet.totalAcked).toBe(total)

    let perDevice: Map<string, number>
    const deadline = Date.now() + (FULL ? 180_000 : 60_000)
    for (;;) {
      perDevice = await influxPerDevice()
      const sum = [...perDevice.values()].reduce((x, y) => x + y, 0)
      if (sum >= total || Date.now() > deadline) break
      await new Promise((r) => setTimeout(r, 500))
    }
    const statsOf = async (s: ServeInstance): Promise<number> =>
      (await s.call<{ readings: number }>('ingest.stats')).readings
    const taken = await Promise.all([a, b].map(statsOf))
    process.stdout.write(
      `cluster+influx: ${total} published in ${published} ms, in InfluxDB after ${Date.now() - started} ms; taken by a ${taken[0]}, b ${taken[1]}\n`,
    )
    for (const id of fleet.ids) expect(perDevice.get(id) ?? 0, id).toBe(PER_DEVICE)

    // The views answer from InfluxDB: the same count per device, the sum of both writers.
    for (const v of [view, view2]) {
      const fromView = await v.storedPerDevice(fleet.ids, 'temperature')
      for (const id of fleet.ids) expect(fromView.get(id) ?? 0, `${v.name} ${id}`).toBe(PER_DEVICE)
    }
    // Each ingest instance wrote its share only (the view wrote nothing: it has no writer).
    const [ra, rb, rv, rv2] = await Promise.all([a, b, view, view2].map(statsOf))
    expect(ra! + rb!).toBe(total)
    expect(ra).toBeGreaterThan(0)
    expect(rb).toBeGreaterThan(0)
    expect([rv, rv2]).toEqual([0, 0])
    // Acknowledged once in InfluxDB's on-disk queue: nothing counted lost, all verified.
    for (const s of [a, b]) {
      const loss = await until(
        async () =>
          (
            await s.call<{ cluster?: { held: number; lost: number; verified: number } }>(
              'ingest.stats',
            )
          ).cluster,
        (c) => c !== undefined && c.held === 0,
      )
      expect(loss, s.name).toMatchObject({ lost: 0, verified: total })
    }
    // Both know the same boards from the broker, online, named by their retained info.
    const boards = async (v: ServeInstance): Promise<string[]> =>
      (await v.call<{ id: string; name: string; online: boolean | null }[]>('devices.list'))
        .filter((d) => d.id.startsWith('sim-') && d.online === true)
        .map((d) => `${d.id}=${d.name}`)
        .sort()
    const seen = await boards(view)
    expect(seen).toHaveLength(DEVICES)
    expect(seen[7]).toBe('sim-007=Sim sim-007')
    expect(await boards(view2)).toEqual(seen)
    await fleet.close()
  }, 400_000)
})
