import { describe, expect, it } from 'vitest'
import {
  csvRows,
  parseAnnotatedCsv,
  rfc3339ToMs,
} from '../../../src/main/core/readings/influx-history/annotated-csv'

/**
 * The example of InfluxDB 2.x docs, "Annotated CSV" (reference/syntax/annotated-csv, section
 * "CSV response format" → "Tables" → Example), as `POST /api/v2/query` answers: annotation
 * rows `#group`, `#datatype`, `#default`, one header row, records; the `result` cells are
 * empty and take the `#default` value ("mean").
 */
const DOCS_EXAMPLE = [
  '#group,false,false,true,true,false,false,true,true,true,true',
  '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string,string',
  '#default,mean,,,,,,,,,',
  ',result,table,_start,_stop,_time,_value,_field,_measurement,host,region',
  ',,0,2022-12-31T05:41:24Z,2023-01-31T05:41:24.001Z,2023-01-01T00:52:00Z,15.43,mem,m,A,east',
  ',,1,2022-12-31T05:41:24Z,2023-01-31T05:41:24.001Z,2023-01-01T00:52:00Z,59.25,mem,m,B,east',
  ',,2,2022-12-31T05:41:24Z,2023-01-31T05:41:24.001Z,2023-01-01T00:52:00Z,52.62,mem,m,C,east',
  '',
].join('\r\n')

describe('annotated CSV (InfluxDB 2.x query answers)', () => {
  it('reads the documented example: header names, #default for empty cells', () => {
    const records = parseAnnotatedCsv(DOCS_EXAMPLE)
    expect(records).toHaveLength(3)
    expect(records[1]).toEqual({
      result: 'mean',
      table: '1',
      _start: '2022-12-31T05:41:24Z',
      _stop: '2023-01-31T05:41:24.001Z',
      _time: '2023-01-01T00:52:00Z',
      _value: '59.25',
      _field: 'mem',
      _measurement: 'm',
      host: 'B',
      region: 'east',
    })
  })

  it('starts over at each table: several yields, each with its own annotations and columns', () => {
    const text = [
      '#datatype,string,long,dateTime:RFC3339,double,string',
      '#group,false,false,false,false,true',
      '#default,min,,,,',
      ',result,table,_time,_value,device',
      ',,0,2026-01-01T00:00:00Z,1.5,"a,b"',
      '',
      '#datatype,string,long,dateTime:RFC3339,long,string,string',
      '#group,false,false,false,false,true,true',
      '#default,count,,,,,',
      ',result,table,_time,_value,device,note',
      ',,0,2026-01-01T00:01:00Z,7,x,"say ""hi""',
      'twice"',
    ].join('\n')
    expect(parseAnnotatedCsv(text)).toEqual([
      { result: 'min', table: '0', _time: '2026-01-01T00:00:00Z', _value: '1.5', device: 'a,b' },
      {
        result: 'count',
        table: '0',
        _time: '2026-01-01T00:01:00Z',
        _value: '7',
        device: 'x',
        note: 'say "hi"\ntwice',
      },
    ])
  })

  it('throws the error a query reports in its answer (an `error` table)', () => {
    const text = [
      '#datatype,string,string',
      '#group,true,true',
      '#default,,',
      ',error,reference',
      ',"runtime error: bucket ""iot"" not found",',
    ].join('\n')
    expect(() => parseAnnotatedCsv(text)).toThrow('bucket "iot" not found')
  })

  it('gives nothing for an empty answer and keeps quoted separators inside a cell', () => {
    expect(parseAnnotatedCsv('')).toEqual([])
    expect(csvRows('a,"b,c"\r\n"d""e",f')).toEqual([
      ['a', 'b,c'],
      ['d"e', 'f'],
    ])
  })

  it('reads RFC 3339 times with any fraction of a second, to the millisecond', () => {
    expect(rfc3339ToMs('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1))
    expect(rfc3339ToMs('2026-01-01T00:00:00.123456789Z')).toBe(Date.UTC(2026, 0, 1) + 123)
    expect(rfc3339ToMs('2026-01-01T01:00:00.5+01:00')).toBe(Date.UTC(2026, 0, 1) + 500)
    expect(rfc3339ToMs('yesterday')).toBeNaN()
  })
})
