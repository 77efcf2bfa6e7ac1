/**
 * Child process: runs the board's REAL firmware (the files the installer uploaded: boot.py,
 * lib/iotfw/**, config.json, secrets.py) under MicroPython wasm with the fakes and the MQTT
 * bridge of tests/firmware, so the simulated board really joins the app's broker with the
 * credentials it was given. A process of its own because the wasm module keeps global state.
 *
 * main.py's endless `app.run_forever()` cannot yield to Node's event loop (the fake `time`
 * only advances when Python sleeps, and mqtt.js does its I/O between runPython calls), so
 * this file does what startup.main() does step by step: boot.py, wait_for_config, App(...),
 * then the app loop in slices of fake time paced against the wall clock (`speed` × real
 * time). Crashes go through startup.crash(); machine.reset() asks the parent to reset.
 *
 * The board's flash lives in the parent: after every slice the files the firmware wrote,
 * renamed or removed (tests/firmware/fakes/fake_os.py tracks them) go to the parent, so a
 * reset or a power cut (the parent kills this process) keeps what had reached the flash.
 *
 * Messages: parent → { type: 'start', ...StartJob }; child → { type: 'out', text } |
 * { type: 'fs', files: path → base64 or null (removed) } | { type: 'reset', reason }.
 */
import { FirmwareSim } from '../../firmware/harness'
import { MqttBridge } from '../../firmware/mqtt-bridge'

export interface StartJob {
  /** Board filesystem: absolute path → base64 content. */
  files: Record<string, string>
  /** The simulated access point the board can join. */
  ap: { ssid: string; password: string }
  /** Base MAC as 12 hex digits. */
  mac: string
  /** Fake milliseconds per real millisecond (1 = real time). */
  speed: number
}

export type ChildMessage =
  | { type: 'out'; text: string }
  | { type: 'fs'; files: Record<string, string | null> }
  | { type: 'reset'; reason: string }

const SLICE_REAL_MS = 25
/** Most real time one slice may stand for (see the app loop). */
const MAX_STEP_REAL_MS = 250
const RETRY_CONFIG_MS = 10_000

function send(message: ChildMessage): void {
  process.send?.(message)
}

function py(value: unknown): string {
  return JSON.stringify(value)
}

async function run(job: StartJob): Promise<void> {
  // The board's whole filesystem, exactly: the installer's upload, or an update's result.
  const image = new Map<string, Uint8Array>()
  for (const [path, data] of Object.entries(job.files)) image.set(path, Buffer.from(data, 'base64'))
  const bridge = new MqttBridge()
  const fw = await FirmwareSim.start({ image, modules: { mqttbridge: bridge.module } })
  let sent = 0
  const flush = (): void => {
    for (; sent < fw.output.length; sent++) send({ type: 'out', text: `${fw.output[sent]}\r\n` })
    const dirty = fw.eval<string[]>('sorted(fake_os.dirty)')
    if (dirty.length === 0) return
    fw.exec('fake_os.dirty.clear()')
    const files: Record<string, string | null> = {}
    for (const p of dirty) {
      const path = p.startsWith('/') ? p : `/${p}`
      const exists = fw.fs.analyzePath(path).exists && !fw.fs.isDir(fw.fs.stat(path).mode)
      files[path] = exists ? Buffer.from(fw.fs.readFile(path)).toString('base64') : null
    }
    send({ type: 'fs', files })
  }
  fw.exec(
    [
      `network.ap.update({"ssid": ${py(job.ap.ssid)}, "password": ${py(job.ap.password)}, "up": True})`,
      `network.MAC = bytes.fromhex(${py(job.mac)})`,
      `machine.unique_id = lambda: bytes.fromhex(${py(job.mac)})`,
      'import fake_os',
    ].join('\n'),
  )
  const pace = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SLICE_REAL_MS))
  try {
    const booted = fw.readFile('/boot.py') === null ? 'returned' : fw.runFile('/boot.py', 5_000)
    flush()
    // The update guard resets after a rollback: boot again on what it left on the flash.
    if (booted.startsWith('reset')) return send({ type: 'reset', reason: booted })
    fw.exec('from iotfw import startup, log')
    if (fw.readFile('/main.py') === null) return
    // startup.main(): safe mode, then wait for a usable config, printing why not.
    if (fw.eval<boolean>('startup.safe_mode.active()')) return flush()
    for (;;) {
      fw.exec('__setup = startup.wait_for_config(1)')
      flush()
      if (fw.eval<boolean>('__setup is not None')) break
      await new Promise((resolve) => setTimeout(resolve, RETRY_CONFIG_MS / job.speed))
    }
    fw.exec(
      [
        'from iotfw.app import App',
        'sim.app = App(*__setup)',
        'log.info("app %s started" % sim.app.id)',
      ].join('\n'),
    )
    flush()
    let last = Date.now()
    for (;;) {
      await pace()
      const now = Date.now()
      // A host too busy to run this process for a while must not show up on the board as a
      // jump in time (a real board's CPU is its own): the step is capped, the board lags.
      const real = Math.min(now - last, MAX_STEP_REAL_MS)
      const fake = Math.max(1, Math.round(real * job.speed))
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
    // machine.reset() (the fake raises machine.Reset) or an unrecoverable error: reset the board.
    send({ type: 'reset', reason: /Reset/.test(message) ? 'machine.reset()' : message })
  } finally {
    bridge.close()
  }
}

process.on('message', (message: { type: string } & StartJob) => {
  if (message.type !== 'start') return
  run(message).catch((error: unknown) => {
    send({ type: 'out', text: `firmware-process: ${String(error)}\r\n` })
  })
})
