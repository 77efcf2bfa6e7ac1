/**
 * HTTP writes to InfluxDB. 1.x: `POST /write?db=&rp=&precision=ms` with Basic auth
 * (InfluxDB 1.x "Write HTTP endpoint"); 2.x: `POST /api/v2/write?org=&bucket=&precision=ms`
 * with `Authorization: Token …` (InfluxDB 2.x API "Write data"). Credentials travel in
 * headers, never in the URL, so they cannot leak through logs.
 */

/** InfluxDB settings with secrets, as the forwarder uses them. */
export interface InfluxTarget {
  version: '1' | '2'
  url: string
  database: string
  retentionPolicy: string
  username: string
  password: string | null
  org: string
  bucket: string
  token: string | null
}

export type WriteOutcome =
  | { kind: 'ok' }
  /** Worth retrying later: down, overloaded, or a setting the person can fix (auth, missing db). */
  | { kind: 'retry'; error: string }
  /** The data itself was refused (HTTP 400): retrying the same lines cannot help. */
  | { kind: 'reject'; error: string }

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

export function base(url: string): string {
  return url.replace(/\/+$/, '')
}

export function authHeaders(target: InfluxTarget): Record<string, string> {
  if (target.version === '2') return target.token ? { Authorization: `Token ${target.token}` } : {}
  if (target.username === '') return {}
  const basic = Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')
  return { Authorization: `Basic ${basic}` }
}

export function writeUrl(target: InfluxTarget): string {
  const params = new URLSearchParams({ precision: 'ms' })
  if (target.version === '1') {
    params.set('db', target.database)
    if (target.retentionPolicy !== '') params.set('rp', target.retentionPolicy)
    return `${base(target.url)}/write?${params}`
  }
  params.set('org', target.org)
  params.set('bucket', target.bucket)
  return `${base(target.url)}/api/v2/write?${params}`
}

export async function errorText(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).slice(0, 300)
  try {
    const json = JSON.parse(text) as { error?: string; message?: string }
    return json.error ?? json.message ?? text
  } catch {
    return text
  }
}

export function networkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  if (error instanceof Error && error.name === 'TimeoutError')
    return 'InfluxDB did not answer in time'
  return `InfluxDB is unreachable (${cause?.code ?? cause?.message ?? (error as Error).message})`
}

export class InfluxClient {
  constructor(
    private readonly target: InfluxTarget,
    private readonly fetchImpl: FetchLike = fetch,
    private readonly timeoutMs = 10_000,
  ) {}

  async write(body: string): Promise<WriteOutcome> {
    let response: Response
    try {
      response = await this.fetchImpl(writeUrl(this.target), {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain; charset=utf-8', ...authHeaders(this.target) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      return { kind: 'retry', error: networkError(error) }
    }
    if (response.status === 204 || response.status === 200) {
      await response.body?.cancel()
      return { kind: 'ok' }
    }
    const detail = await errorText(response)
    const status = response.status
    if (status === 400 || status === 413 || status === 422) {
      return { kind: 'reject', error: `InfluxDB refused the data (HTTP ${status}: ${detail})` }
    }
    if (status === 401 || status === 403) {
      return {
        kind: 'retry',
        error: `InfluxDB refused the credentials (HTTP ${status}: ${detail})`,
      }
    }
    return { kind: 'retry', error: `InfluxDB answered HTTP ${status}: ${detail}` }
  }

  /** 1.x: `CREATE DATABASE` (a no-op when it exists). Returns an error text or null. */
  async createDatabase(): Promise<string | null> {
    if (this.target.version !== '1') return null
    const name = this.target.database.replace(/"/g, '\\"')
    const body = new URLSearchParams({ q: `CREATE DATABASE "${name}"` })
    try {
      const response = await this.fetchImpl(`${base(this.target.url)}/query`, {
        method: 'POST',
        headers: { ...authHeaders(this.target) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      if (response.ok) {
        await response.body?.cancel()
        return null
      }
      return `could not create database "${this.target.database}" (HTTP ${response.status}: ${await errorText(response)})`
    } catch (error) {
      return networkError(error)
    }
  }

  /**
   * "Test connection": reachable, credentials accepted, database/bucket there. 1.x asks
   * `SHOW DATABASES`; 2.x lists the bucket by name (`GET /api/v2/buckets?org=&name=`).
   */
  async check(createDatabase: boolean): Promise<{ ok: boolean; message: string }> {
    const ping = await this.ping()
    if (!ping.ok) return { ok: false, message: ping.error }
    const t = this.target
    try {
      if (t.version === '1') {
        if (createDatabase) {
          const error = await this.createDatabase()
          if (error) return { ok: false, message: `InfluxDB ${ping.version}: ${error}` }
        }
        const got = await this.getJson<{ results?: { series?: { values?: string[][] }[] }[] }>(
          '/query?q=SHOW%20DATABASES',
          ping.version,
        )
        if (!got.ok) return got
        const json = got.json
        const names = (json.results?.[0]?.series?.[0]?.values ?? []).map((v) => v[0])
        return names.includes(t.database)
          ? {
              ok: true,
              message: `Connected to InfluxDB ${ping.version}; database "${t.database}" is there.`,
            }
          : {
              ok: false,
              message: `Connected to InfluxDB ${ping.version}, but database "${t.database}" does not exist.`,
            }
      }
      const params = new URLSearchParams({ org: t.org, name: t.bucket })
      const got = await this.getJson<{ buckets?: unknown[] }>(
        `/api/v2/buckets?${params}`,
        ping.version,
      )
      if (!got.ok) return got
      const json = got.json
      return (json.buckets?.length ?? 0) > 0
        ? {
            ok: true,
            message: `Connected to InfluxDB ${ping.version}; bucket "${t.bucket}" is there.`,
          }
        : {
            ok: false,
            message: `Connected to InfluxDB ${ping.version}, but bucket "${t.bucket}" was not found in "${t.org}".`,
          }
    } catch (error) {
      return { ok: false, message: networkError(error) }
    }
  }

  /** GET `path` with the target's auth; a refusal comes back as a sentence naming the version. */
  private async getJson<T>(
    path: string,
    version: string,
  ): Promise<{ ok: true; json: T } | { ok: false; message: string }> {
    const response = await this.fetchImpl(`${base(this.target.url)}${path}`, {
      method: 'GET',
      headers: authHeaders(this.target),
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    if (!response.ok) {
      return {
        ok: false,
        message: `InfluxDB ${version} refused: HTTP ${response.status} ${await errorText(response)}`,
      }
    }
    return { ok: true, json: (await response.json()) as T }
  }

  /** Reachability and version (`/ping` answers 204 with an X-Influxdb-Version header in 1.x and 2.x). */
  async ping(): Promise<{ ok: true; version: string } | { ok: false; error: string }> {
    try {
      const response = await this.fetchImpl(`${base(this.target.url)}/ping`, {
        method: 'GET',
        headers: authHeaders(this.target),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      await response.body?.cancel()
      if (response.status !== 204 && response.status !== 200) {
        return { ok: false, error: `InfluxDB /ping answered HTTP ${response.status}` }
      }
      return { ok: true, version: response.headers.get('x-influxdb-version') ?? 'unknown' }
    } catch (error) {
      return { ok: false, error: networkError(error) }
    }
  }
}
