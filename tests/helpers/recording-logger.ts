import { silentLogger, type Logger } from '../../src/main/core/base/logger'

/**
 * A logger that appends every line (level, message, fields as JSON) to `lines`, so a test
 * can check what was logged, e.g. that no secret ever reaches the log.
 */
export function recordingLogger(lines: string[]): Logger {
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`)
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
