import type { Logger } from '../base/logger'
import { pyStr } from './python-literals'

export const REDACTED = '[redacted]'

/**
 * Removes known secret values from any text before it leaves the provisioner: log lines,
 * progress messages, error messages, the captured serial log. Each secret is matched
 * as typed and in the escaped forms it takes in Python source and JSON.
 */
export class Redactor {
  private readonly needles: string[]

  constructor(secrets: string[]) {
    const forms = new Set<string>()
    for (const secret of secrets) {
      if (secret === '') continue
      forms.add(secret)
      forms.add(pyStr(secret).slice(1, -1))
      forms.add(JSON.stringify(secret).slice(1, -1))
    }
    // Longest first, so a secret containing another is removed whole.
    this.needles = [...forms].filter((f) => f !== '').sort((a, b) => b.length - a.length)
  }

  text(value: string): string {
    let out = value
    for (const needle of this.needles) out = out.split(needle).join(REDACTED)
    return out
  }

  /** Strings anywhere inside plain data (log fields, event payloads). */
  deep<T>(value: T, depth = 0): T {
    if (typeof value === 'string') return this.text(value) as T
    if (depth > 6 || value === null || typeof value !== 'object') return value
    if (value instanceof Error) return { name: value.name, message: this.text(value.message) } as T
    if (Array.isArray(value)) return value.map((item) => this.deep(item, depth + 1)) as T
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = this.deep(item, depth + 1)
    return out as T
  }
}

/** A logger whose messages and fields pass through the redactor first. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const wrap =
    (log: Logger['info']): Logger['info'] =>
    (message, fields) =>
      log(redactor.text(message), fields && redactor.deep(fields))
  return {
    debug: wrap(logger.debug),
    info: wrap(logger.info),
    warn: wrap(logger.warn),
    error: wrap(logger.error),
    child: (scope) => redactingLogger(logger.child(scope), redactor),
  }
}
