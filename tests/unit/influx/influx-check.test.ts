import { describe, expect, it } from 'vitest'
import { InfluxClient, type InfluxTarget } from '../../../src/main/core/influx/influx-client'

const target = (version: '1' | '2'): InfluxTarget => ({
  version,
  url: 'http://influx.test:8086/',
  database: 'iot',
  retentionPolicy: '',
  username: '',
  password: null,
  org: 'home',
  bucket: 'sensors',
  token: version === '2' ? 'tok' : null,
})

/** Answers like InfluxDB: /ping 204 with a version header, then `route(path)` for the rest. */
function fakeFetch(route: (path: string) => Response) {
  const asked: string[] = []
  const fetchImpl = async (url: string): Promise<Response> => {
    const path = url.replace('http://influx.test:8086', '')
    asked.push(path)
    if (path === '/ping')
      return new Response(null, { status: 204, headers: { 'X-Influxdb-Version': '1.8.10' } })
    return route(path)
  }
  return { fetchImpl, asked }
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('InfluxDB "test connection"', () => {
  it('1.x: finds the database with SHOW DATABASES, or says it is missing', async () => {
    const there = fakeFetch(() =>
      json({ results: [{ series: [{ values: [['_internal'], ['iot']] }] }] }),
    )
    expect(await new InfluxClient(target('1'), there.fetchImpl).check(false)).toEqual({
      ok: true,
      message: 'Connected to InfluxDB 1.8.10; database "iot" is there.',
    })
    expect(there.asked).toEqual(['/ping', '/query?q=SHOW%20DATABASES'])
    const missing = fakeFetch(() => json({ results: [{ series: [{ values: [['_internal']] }] }] }))
    expect(await new InfluxClient(target('1'), missing.fetchImpl).check(false)).toMatchObject({
      ok: false,
      message: expect.stringContaining('database "iot" does not exist'),
    })
  })

  it('2.x: looks the bucket up by org and name, and reports a refusal with its HTTP status', async () => {
    const found = fakeFetch(() => json({ buckets: [{ name: 'sensors' }] }))
    expect(await new InfluxClient(target('2'), found.fetchImpl).check(false)).toMatchObject({
      ok: true,
    })
    expect(found.asked[1]).toBe('/api/v2/buckets?org=home&name=sensors')
    const refused = fakeFetch(() =>
      json({ code: 'unauthorized', message: 'unauthorized access' }, 401),
    )
    expect(await new InfluxClient(target('2'), refused.fetchImpl).check(false)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^InfluxDB 1\.8\.10 refused: HTTP 401 .*unauthorized/),
    })
  })
})
