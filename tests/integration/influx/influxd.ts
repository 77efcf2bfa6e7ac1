import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { InfluxForwardConfig } from '../../../src/main/core/influx/influx-forwarder'
import { freePort } from '../../helpers/free-port'

/**
 * A real InfluxDB 1.x (Debian package `influxdb`, /usr/bin/influxd) in a temp folder, on
 * free ports, with reporting, monitoring and logging off so it starts in well under a second.
 * `stop()` then `start()` restarts it on the same data and port (for outage tests).
 */
export class Influxd {
  private child: ChildProcess | null = null
  /** The admin's login once `createAdmin` made it (auth on): sent with `query`. */
  private credentials: { u: string; p: string } | null = null
  readonly url: string
  private readonly config: string

  private constructor(
    private readonly dir: string,
    readonly httpPort: number,
    rpcPort: number,
    auth: boolean,
  ) {
    this.url = `http://127.0.0.1:${httpPort}`
    this.config = [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '  logging-enabled = false',
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[subscriber]',
      '  enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '  pprof-enabled = false',
      `  auth-enabled = ${auth}`,
      '[logging]',
      '  level = "error"',
      '  suppress-logo = true',
      '',
    ].join('\n')
  }

  /**
   * `auth`: HTTP authentication on (InfluxDB 1.x `[http] auth-enabled`); call `createAdmin`
   * once started, as InfluxDB lets the first user be made without credentials.
   */
  static async create(dir: string, options: { auth?: boolean } = {}): Promise<Influxd> {
    await mkdir(dir, { recursive: true })
    const server = new Influxd(dir, await freePort(), await freePort(), options.auth ?? false)
    await writeFile(join(dir, 'influxdb.conf'), server.config)
    return server
  }

  async start(): Promise<void> {
    const child = spawn('/usr/bin/influxd', ['run', '-config', join(this.dir, 'influxdb.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)))
    this.child = child
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`influxd exited (${code}): ${stderr}`))),
    )
    const deadline = Date.now() + 20_000
    const ready = (async () => {
      while (Date.now() < deadline) {
        try {
          const res = await fetch(`${this.url}/ping`)
          if (res.status === 204) return
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50))
      }
      throw new Error(`influxd did not answer /ping within 20 s: ${stderr}`)
    })()
    await Promise.race([ready, exited])
  }

  /** SIGTERM and wait for the exit: an orderly shutdown that flushes its WAL. */
  async stop(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null) return
    this.child = null
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }

  /** The first user, an admin (allowed without credentials while there is no user). */
  async createAdmin(username: string, password: string): Promise<void> {
    const q = `CREATE USER "${username}" WITH PASSWORD '${password}' WITH ALL PRIVILEGES`
    const res = await fetch(`${this.url}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q }),
    })
    if (!res.ok) throw new Error(`CREATE USER failed: HTTP ${res.status} ${await res.text()}`)
    this.credentials = { u: username, p: password }
  }

  async query(db: string, q: string): Promise<unknown> {
    const params = new URLSearchParams({ db, q, ...this.credentials })
    const res = await fetch(`${this.url}/query?${params}`)
    return res.json()
  }

  /**
   * The app's 1.x target for this server and `database` (no login, created on first write),
   * with measurement names as the app's defaults; `tuning` sets batch size, flush interval
   * and queue size, which each test picks for its own load.
   */
  target(
    database: string,
    tuning: Pick<InfluxForwardConfig, 'batchSize' | 'flushIntervalS' | 'maxQueueMB'>,
  ): InfluxForwardConfig {
    return {
      version: '1',
      url: this.url,
      database,
      retentionPolicy: '',
      username: '',
      password: null,
      org: '',
      bucket: '',
      token: null,
      measurement: 'iot',
      alertsMeasurement: 'iot_alerts',
      createDatabase: true,
      ...tuning,
    }
  }

  /** `SELECT count(field) FROM measurement` → the number, 0 when there is no data. */
  async count(db: string, measurement: string, field: string): Promise<number> {
    const json = (await this.query(db, `SELECT count("${field}") FROM "${measurement}"`)) as {
      results: { series?: { values: [string, number][] }[] }[]
    }
    return json.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
  }
}
