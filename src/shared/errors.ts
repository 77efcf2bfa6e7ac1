import { z } from 'zod'

/** Every error that crosses a transport carries one of these codes. */
export const ErrorCode = z.enum([
  'PARSE_ERROR',
  'INVALID_REQUEST',
  'METHOD_NOT_FOUND',
  'INVALID_PARAMS',
  'INTERNAL',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'TIMEOUT',
  'CANCELLED',
  'PERMISSION_DENIED',
  'BAD_INPUT',
])
export type ErrorCode = z.infer<typeof ErrorCode>

/** A serialisable error: what IPC and JSON-RPC carry, and what ApiError is rebuilt from. */
export const ApiErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Field-level problems for INVALID_PARAMS, so a form can point at the wrong field. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type ApiErrorShape = z.infer<typeof ApiErrorShape>

/** Thrown by services and clients alike; `message` is written for the person using the app. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ApiErrorShape['issues'],
  ) {
    super(message)
    this.name = 'ApiError'
  }

  toShape(): ApiErrorShape {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message }
  }

  static from(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, shape.issues)
  }
}

/** JSON-RPC 2.0 §5.1 reserves -32700..-32600; application errors use -32000 and carry data.code. */
export const JSON_RPC_CODES: Record<ErrorCode, number> = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  NOT_FOUND: -32001,
  CONFLICT: -32002,
  UNAVAILABLE: -32003,
  TIMEOUT: -32004,
  CANCELLED: -32005,
  PERMISSION_DENIED: -32006,
  BAD_INPUT: -32007,
}

/** Turns zod issues into path/message pairs a person can read. */
export function describeIssues(error: z.ZodError): NonNullable<ApiErrorShape['issues']> {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(params)',
    message: issue.message,
  }))
}
