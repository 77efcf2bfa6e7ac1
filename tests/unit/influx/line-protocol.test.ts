import { describe, expect, it } from 'vitest'
import { readingsToLines, toLine } from '../../../src/main/core/influx/line-protocol'
import { writeUrl, type InfluxTarget } from '../../../src/main/core/influx/influx-client'

describe('line protocol', () => {
  it('puts the metrics of one device and instant into one point, tags sorted', () => {
    const lines = readingsToLines(
      [
        { deviceId: 'esp32-a1b2c3', metric: 'temperature', ts: 1732700000000, value: 21.4 },
        { deviceId: 'esp32-a1b2c3', metric: 'humidity', ts: 1732700000000, value: 40 },
        { deviceId: 'other', metric: 'temperature', ts: 1732700000000, value: -0.5 },
      ],
      'iot',
    )
    expect(lines).toEqual([
      'iot,device=esp32-a1b2c3 temperature=21.4,humidity=40.0 1732700000000',
      'iot,device=other temperature=-0.5 1732700000000',
    ])
  })

  it('escapes measurement, tag and field special characters as the reference says', () => {
    const line = toLine({
      measurement: 'my meas,x',
      tags: { 'b key': 'v=1,2 3', a: 'line\nbreak', empty: '' },
      fields: { 'f=1': 'say "hi" \\o/', n: { int: 7 }, bad: Number.NaN },
      ts: 5,
    })
    expect(line).toBe(
      'my\\ meas\\,x,a=line\\ break,b\\ key=v\\=1\\,2\\ 3 f\\=1="say \\"hi\\" \\\\o/",n=7i 5',
    )
  })

  it('drops a point without any finite field (line protocol needs one)', () => {
    expect(
      toLine({ measurement: 'm', tags: {}, fields: { x: Number.POSITIVE_INFINITY }, ts: 1 }),
    ).toBeNull()
  })

  it('builds 1.x and 2.x write URLs with credentials kept out of them', () => {
    const target: InfluxTarget = {
      version: '1',
      url: 'http://influx.local:8086/',
      database: 'iot',
      retentionPolicy: 'autogen',
      username: 'u',
      password: 'secret-pass',
      org: 'home',
      bucket: 'sensors',
      token: 'secret-token',
    }
    expect(writeUrl(target)).toBe('http://influx.local:8086/write?precision=ms&db=iot&rp=autogen')
    expect(writeUrl({ ...target, version: '2' })).toBe(
      'http://influx.local:8086/api/v2/write?precision=ms&org=home&bucket=sensors',
    )
  })
})
