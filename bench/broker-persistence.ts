/**
 * Embedded broker persistence cost, as a ratio against aedes' in-memory store measured in
 * the same run: N QoS 1 messages from one publisher to one persistent (clean: false)
 * subscriber, each of which aedes enqueues, updates and clears in the persistence.
 *   node --import ./tests/simulators/ts-register.mjs bench/broker-persistence.ts [N]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import { connectAsync } from 'mqtt'
import { SqlitePersistence } from '../src/main/core/broker/persistence/sqlite-persistence'

const N = Number(process.argv[2] ?? 20_000)

async function run(persistence?: SqlitePersistence): Promise<number> {
  const broker = await Aedes.createBroker(persistence ? { persistence } : {})
  const server = createServer(broker.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`
  const sub = await connectAsync(url, { clientId: 'bench-sub', clean: false })
  await sub.subscribeAsync('bench/#', { qos: 1 })
  const pub = await connectAsync(url, { clientId: 'bench-pub' })
  let got = 0
  const done = new Promise<void>((resolve) => sub.on('message', () => ++got === N && resolve()))
  const started = performance.now()
  for (let i = 0; i < N; i++) pub.publish('bench/t', `{"seq":${i}}`, { qos: 1 })
  await done
  const seconds = (performance.now() - started) / 1000
  await Promise.all([sub.endAsync(), pub.endAsync()])
  await new Promise<void>((resolve) => broker.close(() => resolve()))
  server.close()
  return N / seconds
}

const dir = mkdtempSync(join(tmpdir(), 'bench-persist-'))
const memory = await run()
const sqlite = await run(new SqlitePersistence(join(dir, 'broker.db')))
rmSync(dir, { recursive: true, force: true })
console.log(`QoS 1 to a persistent subscriber, ${N} messages`)
console.log(`  in-memory (aedes default): ${Math.round(memory)} msg/s`)
console.log(
  `  SqlitePersistence:         ${Math.round(sqlite)} msg/s  (ratio ${(sqlite / memory).toFixed(2)})`,
)
