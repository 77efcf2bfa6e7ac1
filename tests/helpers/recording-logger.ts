import { silentLogger, type Logger } from '../../src/main/core/base/logger'

/** One line a logger was given. */
export interface Logged {
  level: string
  message: string
  fields?: Record<string, unknown>
}

/** A logger (children included) that hands every line to `sink`, so a test can check the log. */
export function loggerInto(sink: (line: Logged) => void): Logger {
  const record =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void =>
      sink({ level, message, fields })
  const logger: Logger = {
    ...silentLogger,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: () => logger,
  }
  return logger
}

/**
 * A logger that appends every line (level, message, fields as JSON) to `lines`, so a test
 * can check what was logged, e.g. that no secret ever reaches the log.
 */
export function recordingLogger(lines: string[]): Logger {
  return loggerInto(({ level, message, fields }) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
  )
}
