/**
 * Reads from InfluxDB over HTTP. 1.x: `POST /query?db=&epoch=ms` with the statement in a
 * form body `q=` (InfluxDB 1.x API, "/query": POST is required for DROP and allowed for
 * SELECT), Basic auth. 2.x: `POST /api/v2/query?org=` with a JSON body asking for annotated
 * CSV, and `POST /api/v2/delete?org=&bucket=` (InfluxDB 2.x API), `Authorization: Token`.
 * Credentials travel in headers only, never in a URL or a log line.
 */
import {
  authHeaders,
  base,
  errorText,
  networkError,
  type FetchLike,
  type InfluxTarget,
} from '../../influx/influx-client'
import { parseAnnotatedCsv, type CsvRecord } from './annotated-csv'
import { statementResults, type InfluxQLStatementResult } from './influxql'

export class InfluxReader {
  constructor(
    private readonly target: InfluxTarget,
    private readonly fetchImpl: FetchLike = fetch,
    private readonly timeoutMs = 30_000,
  ) {}

  /** 1.x: runs `;`-separated InfluxQL statements; one result per statement. */
  async influxql(q: string): Promise<InfluxQLStatementResult[]> {
    const params = new URLSearchParams({ db: this.target.database, epoch: 'ms' })
    const response = await this.post(`/query?${params}`, new URLSearchParams({ q }), {})
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new Error(`InfluxDB answered HTTP ${response.status} without JSON`)
    }
    if (!response.ok && typeof (json as { error?: unknown })?.error !== 'string') {
      throw new Error(`InfluxDB answered HTTP ${response.status}`)
    }
    return statementResults(json)
  }

  /** 2.x: runs a Flux query; its records with `#default`s applied. */
  async flux(query: string): Promise<CsvRecord[]> {
    const body = JSON.stringify({
      query,
      type: 'flux',
      dialect: { header: true, delimiter: ',', annotations: ['datatype', 'group', 'default'] },
    })
    const params = new URLSearchParams({ org: this.target.org })
    const response = await this.post(`/api/v2/query?${params}`, body, {
      'Content-Type': 'application/json',
      Accept: 'application/csv',
    })
    if (!response.ok) {
      throw new Error(`InfluxDB answered HTTP ${response.status}: ${await errorText(response)}`)
    }
    return parseAnnotatedCsv(await response.text())
  }

  /** 2.x: deletes the points of [start, stop] that match `predicate`. */
  async delete(predicate: string, start: string, stop: string): Promise<void> {
    const params = new URLSearchParams({ org: this.target.org, bucket: this.target.bucket })
    const response = await this.post(
      `/api/v2/delete?${params}`,
      JSON.stringify({ start, stop, predicate }),
      { 'Content-Type': 'application/json' },
    )
    if (!response.ok) {
      throw new Error(`InfluxDB answered HTTP ${response.status}: ${await errorText(response)}`)
    }
    await response.body?.cancel()
  }

  private async post(
    path: string,
    body: string | URLSearchParams,
    headers: Record<string, string>,
  ): Promise<Response> {
    try {
      return await this.fetchImpl(`${base(this.target.url)}${path}`, {
        method: 'POST',
        headers: { ...headers, ...authHeaders(this.target) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      throw new Error(networkError(error), { cause: error })
    }
  }
}
