/**
 * CSV as RFC 4180 describes it: fields separated by commas, records by CRLF (§2.1),
 * a field containing a comma, a double quote, CR or LF is enclosed in double quotes and
 * its quotes are doubled (§2.6, §2.7).
 */

const NEEDS_QUOTES = /[",\r\n]/

/** Spreadsheets run cells starting with these as formulas (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/

/** A number as the shortest text that reads back as the same double; empty for null. */
export function csvNumber(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value)
}

/**
 * A text field (device names and ids come from devices, so from anyone on the network):
 * quoted when needed, and a leading `'` keeps Excel/LibreOffice from running it as a formula.
 */
export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function csvRecord(fields: readonly string[]): string {
  return `${fields.join(',')}\r\n`
}
