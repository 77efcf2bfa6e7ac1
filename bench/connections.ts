/**
 * connections: N clients connect (CONNECT + SUBSCRIBE to their `cmd` topic, like the
 * firmware) to the app's embedded broker, vs bare aedes in a process of its own: time to
 * connect them all and resident memory per connection.
 */
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import type { BenchDefinition, BenchLine, BenchOptions } from './lib/bench-types'
import { nodeArgs, sleep, spawnRaised, stopChild, waitForLine } from './lib/child'
import { LoadProcess } from './lib/load-process'
import { sampleProcess } from './lib/proc-stats'
import { line } from './lib/stats'
import { startServe } from './lib/serve-process'

const KB = 1024

interface Run {
  connectMs: number
  medianConnectMs: number
  rssPerConnectionKb: number
  rssBeforeMb: number
  rssAfterMb: number
}

interface Broker {
  pid: number
  host: string
  port: number
  stop(): Promise<void>
}

async function startAedes(): Promise<Broker> {
  const child = spawnRaised(
    process.execPath,
    nodeArgs(fileURLToPath(new URL('./lib/aedes-child.ts', import.meta.url))),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const [, host, port] = await waitForLine(
    child,
    /^MQTT broker: mqtt:\/\/([^:]+):(\d+)/,
    30_000,
    'aedes',
  )
  return { pid: child.pid!, host: host!, port: Number(port), stop: () => stopChild(child, 5000) }
}

async function measure(broker: Broker, count: number): Promise<Run> {
  const load = await LoadProcess.start()
  try {
    // Let start-up allocations settle before the "before" reading.
    await sleep(1000)
    const before = sampleProcess(broker.pid)!.rssBytes
    const connected = await load.connect({
      host: broker.host,
      port: broker.port,
      count,
      idPrefix: 'conn-',
      subscribe: true,
      concurrency: 100,
    })
    await sleep(1000)
    const after = sampleProcess(broker.pid)!.rssBytes
    await load.disconnect()
    return {
      connectMs: connected.ms,
      medianConnectMs: connected.medianConnectMs,
      rssPerConnectionKb: (after - before) / count / KB,
      rssBeforeMb: before / KB / KB,
      rssAfterMb: after / KB / KB,
    }
  } finally {
    await load.stop()
  }
}

const bench: BenchDefinition = {
  name: 'connections',
  description:
    'N clients connect and subscribe to the app’s embedded broker vs bare aedes: time to connect them all, RSS per connection.',
  async run(options: BenchOptions): Promise<BenchLine[]> {
    const count = options.quick ? 200 : 2000
    const app: Run[] = []
    const aedes: Run[] = []
    for (let rep = 1; rep <= options.repetitions; rep++) {
      const serve = await startServe({
        dataDir: join(options.workDir, `rep-${rep}`, 'data'),
        appDir: options.appDir,
      })
      try {
        const broker = {
          pid: serve.pid,
          host: serve.brokerHost,
          port: serve.brokerPort,
          stop: serve.stop,
        }
        app.push(await measure(broker, count))
      } finally {
        await serve.stop()
      }
      const bare = await startAedes()
      try {
        aedes.push(await measure(bare, count))
      } finally {
        await bare.stop()
      }
      options.log(
        `rep ${rep}: app ${Math.round(app.at(-1)!.connectMs)} ms, ${app.at(-1)!.rssPerConnectionKb.toFixed(1)} KB/conn; aedes ${Math.round(aedes.at(-1)!.connectMs)} ms, ${aedes.at(-1)!.rssPerConnectionKb.toFixed(1)} KB/conn`,
      )
    }
    const extra = { clients: count, concurrency: 100, app, aedes }
    return [
      line(
        'connections.connect',
        'ms',
        app.map((r) => r.connectMs),
        {
          name: 'aedes',
          values: aedes.map((r) => r.connectMs),
        },
        extra,
      ),
      line(
        'connections.rss-per-connection',
        'KB',
        app.map((r) => r.rssPerConnectionKb),
        {
          name: 'aedes',
          values: aedes.map((r) => r.rssPerConnectionKb),
        },
      ),
    ]
  },
}

export default bench
