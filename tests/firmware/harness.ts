/**
 * Runs the real firmware files (firmware/boot.py, main.py, lib/iotfw/**) under the
 * MicroPython WebAssembly build, with the fakes of tests/firmware/fakes standing in for the
 * ESP32-only modules (machine, network, dht, ntptime, umqtt.simple, ssl) and a fake `time`
 * whose clock only moves when the firmware sleeps. See tests/firmware/README.md.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ourTopics } from '../../src/shared/topics'

const HERE = dirname(fileURLToPath(import.meta.url))
export const FIRMWARE_DIR = resolve(HERE, '../../firmware')
const FAKES_DIR = join(HERE, 'fakes')
/** Fake ms per runPython call when driving the loop (see runFor). */
const SLICE_MS = 10_000

export const DEVICE_ID = 'esp32-a1b2c3' // what the fake MAC 24:0a:c4:a1:b2:c3 gives
export const TOPICS = ourTopics('iot', DEVICE_ID)
export const SECRETS = [
  'WIFI_SSID = "lab"',
  'WIFI_PASSWORD = "pw"',
  'MQTT_USER = "dev"',
  'MQTT_PASSWORD = "s3cret"',
  '',
].join('\n')

/** A config.json as the installer writes it (DESIGN.md "Device configuration"). */
export function baseConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    device_id: DEVICE_ID,
    name: 'Living room',
    prefix: 'iot',
    mqtt: { host: '192.168.1.50', port: 1883, tls: false, keepalive: 30, qos: 1 },
    sensor: { type: 'DHT22', pin: 4 },
    report: { interval_s: 10, delta_t: 0.5, delta_h: 1.0, max_silence_s: 3600 },
    legacy_topic: null,
    ha_discovery: false,
    ...over,
  }
}

export interface Publish {
  topic: string
  msg: string
  retain: boolean
  qos: number
  /** fake elapsed ms since power-on */
  t: number
  /** what time.time() said on the device */
  clock: number
}

export interface ConnectRecord {
  client_id: string
  server: string
  port: number
  user: string | null
  password: string | null
  keepalive: number
  clean: boolean
  will: { topic: string; msg: string; retain: boolean; qos: number } | null
  ssl: unknown
  t: number
}

type LogEntry = { op: string; t: number } & Record<string, unknown>

export interface FirmwareOptions {
  /** config.json: an object, raw text, or null for "no file". Default baseConfig(). */
  config?: Record<string, unknown> | string | null
  /** secrets.py text, or null for "no file". Default SECRETS. */
  secrets?: string | null
  /** More files for the board's root (e.g. ca.pem, spool.jsonl). */
  files?: Record<string, string | Uint8Array>
  /** Start value of ticks_ms (e.g. just before the 2**30 wrap). */
  ticksStart?: number
  /** JS modules to register before anything is imported (e.g. mqttbridge). */
  modules?: Record<string, object>
  /** A whole board filesystem (from snapshot()): written instead of firmware/config/secrets. */
  image?: Map<string, Uint8Array>
}

export interface MicroPythonFS {
  mkdirTree(path: string): void
  writeFile(path: string, data: string | Uint8Array): void
  readFile(path: string, opts: { encoding: 'utf8' }): string
  readFile(path: string): Uint8Array
  readdir(path: string): string[]
  isDir(mode: number): boolean
  stat(path: string): { mode: number }
  analyzePath(path: string): { exists: boolean }
}

interface MicroPython {
  FS: MicroPythonFS
  runPython(code: string): unknown
  registerJsModule(name: string, module: object): void
  globals: { get(key: string): unknown }
}

type LoadMicroPython = (opts: {
  stdout?: (line: string) => void
  stderr?: (line: string) => void
  heapsize?: number
}) => Promise<MicroPython>

let loader: Promise<LoadMicroPython> | undefined

function loadMicroPython(): Promise<LoadMicroPython> {
  loader ??= (async () => {
    const require = createRequire(import.meta.url)
    const entry = require.resolve('@micropython/micropython-webassembly-pyscript')
    const mod = (await import(pathToFileURL(entry).href)) as { loadMicroPython: LoadMicroPython }
    return mod.loadMicroPython
  })()
  return loader
}

/** Every file below dir (relative paths), optionally filtered. */
export function listFiles(dir: string, keep: (rel: string) => boolean): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else if (keep(relative(dir, full))) out.push(relative(dir, full))
    }
  }
  walk(dir)
  return out.sort()
}

/** The firmware's own .py files: never a local secrets.py or the example files. */
export function firmwareSources(): string[] {
  return listFiles(
    FIRMWARE_DIR,
    (rel) => rel.endsWith('.py') && rel !== 'secrets.py' && !rel.includes('.example.'),
  )
}

export class FirmwareSim {
  private constructor(
    private readonly mp: MicroPython,
    /** Everything the board printed (REPL output), line by line. */
    readonly output: string[],
  ) {}

  static async start(opts: FirmwareOptions = {}): Promise<FirmwareSim> {
    const load = await loadMicroPython()
    const lines: string[] = []
    const echo = process.env.FW_ECHO === '1'
    const sink = (line: string): void => {
      lines.push(line)
      if (echo) console.log(`[mp] ${line}`)
    }
    const mp = await load({ stdout: sink, stderr: sink, heapsize: 256 * 1024 })
    const sim = new FirmwareSim(mp, lines)
    for (const [name, mod] of Object.entries(opts.modules ?? {})) mp.registerJsModule(name, mod)
    sim.install(opts)
    return sim
  }

  private install(opts: FirmwareOptions): void {
    const fs = this.mp.FS
    for (const rel of listFiles(FAKES_DIR, (r) => r.endsWith('.py'))) {
      this.put(`/fakes/${rel}`, readFileSync(join(FAKES_DIR, rel), 'utf8'))
    }
    for (const [path, data] of opts.image ?? []) this.put(path, data)
    // The board's root is '/', its libraries in '/lib' (already on MicroPython's sys.path).
    for (const rel of opts.image ? [] : firmwareSources()) {
      this.put(`/${rel}`, readFileSync(join(FIRMWARE_DIR, rel), 'utf8'))
    }
    const config = opts.config === undefined ? baseConfig() : opts.config
    if (config !== null && !opts.image) {
      this.put('/config.json', typeof config === 'string' ? config : JSON.stringify(config))
    }
    const secrets = opts.secrets === undefined ? SECRETS : opts.secrets
    if (secrets !== null && !opts.image) this.put('/secrets.py', secrets)
    for (const [path, text] of Object.entries(opts.files ?? {})) this.put(`/${path}`, text)
    fs.mkdirTree('/tmp')
    this.exec(
      [
        'import sys, os',
        "os.chdir('/')",
        "sys.path.insert(0, '/fakes')",
        'import fake_time',
        "sys.modules['time'] = fake_time",
        "sys.modules['utime'] = fake_time",
        `fake_time.start(${opts.ticksStart ?? 0})`,
        "import fake_os; sys.modules['os'] = fake_os.os",
        'import machine, network, dht, ntptime, umqtt.simple, sim, gc',
      ].join('\n'),
    )
  }

  /** The interpreter's filesystem (the board's flash), for snapshots (ota-board.ts). */
  get fs(): MicroPythonFS {
    return this.mp.FS
  }

  private put(path: string, text: string | Uint8Array): void {
    this.mp.FS.mkdirTree(dirname(path))
    this.mp.FS.writeFile(path, text)
  }

  /** Runs Python in the board's __main__; a Python exception becomes a JS error with its traceback. */
  exec(code: string): void {
    this.mp.runPython(code)
  }

  /** Evaluates a Python expression and returns it through JSON. */
  eval<T>(expr: string): T {
    this.mp.runPython(`__r = sim.dump(${expr})`)
    return JSON.parse(String(this.mp.globals.get('__r'))) as T
  }

  /** Builds the app the way main.py does, without entering its endless loop. */
  startApp(): void {
    this.exec('sim.start_app()')
  }

  /**
   * Runs the app loop for ms of fake time. In slices: the wasm port only frees garbage between
   * runPython calls (it cannot scan the C stack during one), so one huge call would only grow.
   */
  runFor(ms: number): void {
    const end = this.elapsed() + ms
    for (let now = this.elapsed(); now < end; now = this.elapsed()) {
      this.exec(`sim.run_to(${Math.min(end, now + SLICE_MS)})`)
    }
  }

  /** Runs the app loop until the Python expression is true; returns the fake ms it took. */
  runUntil(cond: string, maxMs = 600_000): number {
    const start = this.elapsed()
    const deadline = start + maxMs
    for (;;) {
      const now = this.elapsed()
      const end = Math.min(deadline, now + SLICE_MS)
      if (this.eval<boolean>(`sim.run_until(lambda: ${cond}, ${end})`))
        return this.elapsed() - start
      if (end >= deadline) throw new Error(`not within ${maxMs} ms of fake time: ${cond}`)
    }
  }

  /** Executes boot.py or main.py as the board does, for at most budgetMs of fake time. */
  runFile(path: string, budgetMs: number): string {
    return this.eval<string>(`sim.run_file(${JSON.stringify(path)}, ${budgetMs})`)
  }

  elapsed(): number {
    return this.eval<number>('fake_time.elapsed()')
  }

  mqttLog(): LogEntry[] {
    return this.eval<LogEntry[]>('umqtt.simple.log')
  }

  publishes(topic?: string): Publish[] {
    const all = this.mqttLog().filter((e) => e.op === 'publish') as unknown as Publish[]
    return topic === undefined ? all : all.filter((p) => p.topic === topic)
  }

  connects(): ConnectRecord[] {
    return this.mqttLog().filter((e) => e.op === 'connect') as unknown as ConnectRecord[]
  }

  /** Parsed JSON payloads of the device's events. */
  events(): Array<Record<string, unknown>> {
    return this.publishes(TOPICS.event).map((p) => JSON.parse(p.msg) as Record<string, unknown>)
  }

  /** Sends a message to the device as if the broker delivered it. */
  inject(topic: string, msg: string): void {
    this.exec(`umqtt.simple.inject(${JSON.stringify(topic)}, ${JSON.stringify(msg)})`)
  }

  readFile(path: string): string | null {
    return this.mp.FS.analyzePath(path).exists
      ? this.mp.FS.readFile(path, { encoding: 'utf8' })
      : null
  }

  writeFile(path: string, text: string): void {
    this.put(path, text)
  }
}
