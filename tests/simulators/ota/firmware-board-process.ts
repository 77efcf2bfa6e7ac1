/**
 * Child process: one board running the REAL firmware (boot.py with the update guard,
 * main.py's app, lib/iotfw/** including ota.py) under MicroPython wasm, connected to a real
 * broker through tests/firmware's MQTT bridge, on the wall clock (`speed` fake ms per real
 * ms). Unlike tests/simulators/board's firmware process, a reset keeps the board's flash: the
 * filesystem is carried into a fresh interpreter that runs boot.py again, which is what an
 * over-the-air swap, a trial boot and a rollback need (docs/ota.md steps 5–6).
 *
 * parent → { type: 'start', ...FirmwareBoardJob }
 * child → { type: 'out', text } | { type: 'boot', n, result } | { type: 'files', files }
 */
import { FirmwareSim } from '../../firmware/harness'
import { MqttBridge } from '../../firmware/mqtt-bridge'

export interface FirmwareBoardJob {
  /** The board's filesystem: absolute path → base64. */
  files: Record<string, string>
  ap: { ssid: string; password: string }
  /** 12 hex digits. */
  mac: string
  speed: number
}

export type FirmwareBoardMessage =
  { type: 'out'; text: string } | { type: 'boot'; n: number; result: string }

const SLICE_REAL_MS = 25

function send(message: FirmwareBoardMessage): void {
  process.send?.(message)
}

async function run(job: FirmwareBoardJob): Promise<void> {
  let image: Map<string, Uint8Array> = new Map(
    Object.entries(job.files).map(([path, b64]) => [path, Buffer.from(b64, 'base64')] as const),
  )
  for (let n = 1; ; n++) {
    const bridge = new MqttBridge()
    const fw = await FirmwareSim.start({ image, modules: { mqttbridge: bridge.module } })
    let sent = 0
    const flush = (): void => {
      for (; sent < fw.output.length; sent++) send({ type: 'out', text: fw.output[sent]! })
    }
    try {
      fw.exec(
        [
          `network.ap.update({"ssid": ${JSON.stringify(job.ap.ssid)}, "password": ${JSON.stringify(job.ap.password)}, "up": True})`,
          `network.MAC = bytes.fromhex(${JSON.stringify(job.mac)})`,
          `machine.unique_id = lambda: bytes.fromhex(${JSON.stringify(job.mac)})`,
          'from iotfw import startup, log',
        ].join('\n'),
      )
      const result = fw.runFile('/boot.py', 5_000)
      flush()
      send({ type: 'boot', n, result })
      if (result !== 'returned') {
        image = snapshot(fw) // the guard reset the board (rollback): boot again on its flash
        continue
      }
      // main.py's startup.main(), step by step so Node's event loop runs between slices.
      for (;;) {
        fw.exec('__setup = startup.wait_for_config(1)')
        flush()
        if (fw.eval<boolean>('__setup is not None')) break
        await new Promise((resolve) => setTimeout(resolve, 10_000 / job.speed))
      }
      fw.exec(['from iotfw.app import App', 'sim.app = App(*__setup)'].join('\n'))
      flush()
      let last = Date.now()
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, SLICE_REAL_MS))
        const now = Date.now()
        const fake = Math.max(1, Math.round((now - last) * job.speed))
        last = now
        fw.exec(
          [
            'try:',
            `    sim.run_to(fake_time.elapsed() + ${fake})`,
            'except Exception as e:',
            '    startup.crash(e, sim.app)',
          ].join('\n'),
        )
        flush()
      }
    } catch (error) {
      flush()
      const message = error instanceof Error ? error.message : String(error)
      send({ type: 'out', text: `[reset] ${/Reset/.test(message) ? 'machine.reset()' : message}` })
      image = snapshot(fw)
    } finally {
      bridge.close()
    }
  }
}

/** The board's flash now (as tests/firmware/ota-board.ts snapshot(), without its imports). */
function snapshot(fw: FirmwareSim): Map<string, Uint8Array> {
  const fs = fw.fs
  const out = new Map<string, Uint8Array>()
  const walk = (dir: string): void => {
    for (const name of fs.readdir(dir)) {
      const path = `${dir === '/' ? '' : dir}/${name}`
      if (name === '.' || name === '..' || /^\/(fakes|tmp|dev|proc|home)$/.test(path)) continue
      if (fs.isDir(fs.stat(path).mode)) walk(path)
      else out.set(path, fs.readFile(path))
    }
  }
  walk('/')
  return out
}

process.on('message', (message: { type: string } & FirmwareBoardJob) => {
  if (message.type !== 'start') return
  run(message).catch((error: unknown) => send({ type: 'out', text: `runner: ${String(error)}` }))
})
