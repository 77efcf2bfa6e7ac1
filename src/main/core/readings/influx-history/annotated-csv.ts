/**
 * Reader for InfluxDB 2.x annotated CSV, what `POST /api/v2/query` answers (InfluxDB 2.x
 * docs, "Annotated CSV"): tables separated by an empty line; each table starts with
 * annotation rows (`#datatype`, `#group`, `#default`) whose first cell names the annotation,
 * then one header row, then records. The first column is the annotation column (empty in
 * header and records). An empty cell takes the column's `#default` (that is how the `result`
 * column carries a `yield()` name). A table whose header has an `error` column is an error
 * the query hit while streaming. Fields follow RFC 4180 (quotes, doubled `""`).
 */

/** One record: column name → cell text (defaults applied). */
export type CsvRecord = Record<string, string>

/** Splits RFC 4180 CSV text into rows of cells (quoted cells may hold commas and newlines). */
export function csvRows(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c !== '"') cell += c
      else if (text[i + 1] === '"') {
        cell += '"'
        i++
      } else quoted = false
      continue
    }
    if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }
  return rows
}

/** Every record of every table, in order; throws the error a table reports. */
export function parseAnnotatedCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let defaults: string[] = []
  let header: string[] | null = null
  for (const row of csvRows(text)) {
    if (row.length === 1 && row[0] === '') {
      // Empty line: the next table (with its own annotations and header) begins.
      header = null
      defaults = []
      continue
    }
    const first = row[0] ?? ''
    if (first.startsWith('#')) {
      if (header !== null) {
        // Annotations without a blank line before them also start a new table.
        header = null
        defaults = []
      }
      if (first === '#default') defaults = row
      continue
    }
    if (header === null) {
      header = row
      continue
    }
    const record: CsvRecord = {}
    for (let i = 1; i < header.length; i++) {
      const value = row[i] ?? ''
      record[header[i]!] = value === '' ? (defaults[i] ?? '') : value
    }
    if (header.includes('error')) {
      throw new Error(`InfluxDB query failed: ${record.error ?? 'unknown error'}`)
    }
    records.push(record)
  }
  return records
}

/** RFC 3339 (any fraction of a second) → epoch ms; NaN when it is not a time. */
export function rfc3339ToMs(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(text)
  if (!match) return NaN
  const ms = match[2] === undefined ? '' : match[2].slice(0, 4).padEnd(4, '0')
  return Date.parse(`${match[1]}${ms}${match[3]}`)
}
