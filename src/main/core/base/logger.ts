/** Structured, redacting logger shared by every service. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  child(scope: string): Logger
}

type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Field names whose values never reach a log line (Wi-Fi and broker passwords, tokens, keys). */
const SECRET_KEY = /pass|secret|token|credential|private|^key$|apikey|authorization/i

/** Replaces secret-looking fields, recursively, so a log call can never leak one by accident. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1)
  }
  return out
}

export interface LogSink {
  (line: { level: Level; scope: string; message: string; fields?: unknown; time: number }): void
}

/** Writes `LEVEL scope: message {fields}` lines to stderr (stdout is kept for CLI output). */
export const stderrSink: LogSink = ({ level, scope, message, fields }) => {
  const suffix = fields === undefined ? '' : ` ${JSON.stringify(fields)}`
  process.stderr.write(`${level.toUpperCase().padEnd(5)} ${scope}: ${message}${suffix}\n`)
}

export function createLogger(
  options: { level?: Level; sink?: LogSink; scope?: string; now?: () => number } = {},
): Logger {
  const min = ORDER[options.level ?? 'info']
  const sink = options.sink ?? stderrSink
  const scope = options.scope ?? 'app'
  const now = options.now ?? Date.now
  const log =
    (level: Level) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (ORDER[level] < min) return
      sink({ level, scope, message, fields: fields && redact(fields), time: now() })
    }
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (child) => createLogger({ ...options, scope: `${scope}.${child}` }),
  }
}

/** A logger that drops everything: for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ sink: () => undefined })
