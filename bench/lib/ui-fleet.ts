/**
 * The device fleet of bench/ui.ts, run as its own process so publishing never competes with
 * the bench's (or the browser's) event loop. One raw mqtt.js connection speaks for every
 * device in our firmware's format (src/shared/parsers/ours.ts, the same payloads as
 * src/main/core/simulator/virtual-device.ts): retained `status` and `info`, then telemetry
 * `{"temperature","humidity","ts","seq"}` at 1 Hz per device, spread evenly over the second.
 *
 *   node bench/lib/ui-fleet.ts mqtt://127.0.0.1:PORT      (driven by IPC from bench/ui.ts)
 *
 * Requests: `{ grow: n }` → `{ grown: n }` once every new device's announcement is acked;
 * `{ burst: { perS, ms } }` → `{ burst: sent }` (extra telemetry on top of the 1 Hz);
 * `{ stop: true }` ends the process.
 */
import mqtt from 'mqtt'

const ROOMS = ['Attic', 'Bathroom', 'Bedroom', 'Boiler', 'Cellar', 'Garage', 'Greenhouse']
  .concat(['Hallway', 'Kitchen', 'Landing', 'Larder', 'Library', 'Living room', 'Loft'])
  .concat(['Nursery', 'Office', 'Pantry', 'Porch', 'Shed', 'Workshop'])

type Request = { grow: number } | { burst: { perS: number; ms: number } } | { stop: true }

const url = process.argv[2]
if (!url || !process.send) throw new Error('usage: run by bench/ui.ts with an IPC channel')
const send = (message: unknown): void => void process.send?.(message)

const client = await mqtt.connectAsync(url, {
  clientId: `bench-ui-fleet-${process.pid}`,
  reconnectPeriod: 0,
})
const ids: string[] = []
const seq: number[] = []
const temps: number[] = []

const idOf = (i: number): string => `bench-${String(i).padStart(5, '0')}`

function telemetry(i: number): void {
  seq[i] = (seq[i] ?? 0) + 1
  // A slow random walk: values change a little with every message, like a real room.
  const t = (temps[i] = (temps[i] ?? 15 + (i % 100) / 10) + (Math.random() - 0.5) * 0.2)
  const h = 40 + (i % 30) + Math.round(Math.random() * 10) / 10
  const ts = Math.floor(Date.now() / 1000)
  const body = `{"temperature":${t.toFixed(1)},"humidity":${h.toFixed(1)},"ts":${ts},"seq":${seq[i]}}`
  client.publish(`iot/${ids[i]}/telemetry`, body, { qos: 1 })
}

async function grow(count: number): Promise<void> {
  const pending: Promise<unknown>[] = []
  for (let i = ids.length; i < count; i++) {
    const id = idOf(i)
    ids.push(id)
    const info = {
      id,
      name: `${ROOMS[i % ROOMS.length]} ${Math.floor(i / ROOMS.length)}`,
      fw: `1.${i % 4}.${i % 7}`,
      mp: '1.27.0',
      chip: 'ESP32',
      sensor: 'DHT22',
      ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
      mac: `aa:bb:cc:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`,
      rssi: -40 - ((i * 7) % 51),
    }
    pending.push(
      client.publishAsync(`iot/${id}/status`, 'online', { qos: 1, retain: true }),
      client.publishAsync(`iot/${id}/info`, JSON.stringify(info), { qos: 1, retain: true }),
    )
    telemetry(i)
    // Bounded bursts of announcements: the broker's backpressure, not our memory, sets the pace.
    if (pending.length >= 1000) await Promise.all(pending.splice(0))
  }
  await Promise.all(pending)
}

// 1 Hz per device: every 100 ms, a tenth of the fleet reports.
let slot = 0
const ticker = setInterval(() => {
  for (let i = slot; i < ids.length; i += 10) telemetry(i)
  slot = (slot + 1) % 10
}, 100)

async function burst(perS: number, ms: number): Promise<number> {
  let sent = 0
  const end = Date.now() + ms
  while (Date.now() < end) {
    // 10 ms slices keep the rate even rather than one huge write per second.
    for (let k = 0; k < perS / 100 && ids.length > 0; k++) {
      telemetry(Math.floor(Math.random() * ids.length))
      sent++
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return sent
}

process.on('message', (request: Request) => {
  if ('grow' in request) void grow(request.grow).then(() => send({ grown: ids.length }))
  else if ('burst' in request)
    void burst(request.burst.perS, request.burst.ms).then((sent) => send({ burst: sent }))
  else {
    clearInterval(ticker)
    void client.endAsync().finally(() => process.exit(0))
  }
})
process.on('disconnect', () => process.exit(0))
send({ ready: true })
