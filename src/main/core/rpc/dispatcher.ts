import { isMethodName, methods, type CallOutcome } from '../../../shared/api'
import { ApiError, describeIssues } from '../../../shared/errors'
import type { Logger } from '../base/logger'
import type { Handlers } from './handlers'

/**
 * The single entry point every transport calls. Nothing from outside reaches a handler
 * unvalidated, and nothing a handler throws escapes as anything but a typed error.
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly logger: Logger,
  ) {}

  async call(method: unknown, params: unknown): Promise<CallOutcome> {
    if (!isMethodName(method)) {
      const name = typeof method === 'string' ? method.slice(0, 100) : typeof method
      return fail(new ApiError('METHOD_NOT_FOUND', `Unknown method "${name}".`))
    }
    const spec = methods[method]
    const input = spec.input.safeParse(params ?? {})
    if (!input.success) {
      const issues = describeIssues(input.error)
      const first = issues[0]
      const detail = first ? `${first.path}: ${first.message}` : 'invalid'
      return fail(
        new ApiError('INVALID_PARAMS', `Invalid params for ${method} (${detail}).`, issues),
      )
    }
    try {
      const handler = this.handlers[method] as (p: unknown) => unknown
      const raw = await handler(input.data)
      const output = spec.output.safeParse(raw)
      if (!output.success) {
        this.logger.error('handler result broke the contract', {
          method,
          issues: describeIssues(output.error),
        })
        return fail(new ApiError('INTERNAL', `${method} produced an invalid result.`))
      }
      return { ok: true, result: output.data }
    } catch (error) {
      if (error instanceof ApiError) return fail(error)
      this.logger.error('handler failed', { method, error })
      const message = error instanceof Error ? error.message : String(error)
      return fail(new ApiError('INTERNAL', `${method} failed: ${message}`))
    }
  }
}

function fail(error: ApiError): CallOutcome {
  return { ok: false, error: error.toShape() }
}
