import type { CallOutcome } from '../../shared/api'
import { JSON_RPC_CODES, type ApiErrorShape, type ErrorCode } from '../../shared/errors'

/** Largest JSON-RPC message accepted from a client; bigger ones get an error, not a crash. */
export const MAX_MESSAGE_BYTES = 1024 * 1024

type Id = string | number | null
type Call = (method: unknown, params: unknown) => Promise<CallOutcome>

interface ErrorResponse {
  jsonrpc: '2.0'
  id: Id
  error: { code: number; message: string; data: ApiErrorShape }
}

function errorResponse(
  id: Id,
  code: ErrorCode,
  message: string,
  shape?: ApiErrorShape,
): ErrorResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: { code: JSON_RPC_CODES[code], message, data: shape ?? { code, message } },
  }
}

function isId(value: unknown): value is Id {
  return (
    value === null ||
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value))
  )
}

/** Handles one request object (JSON-RPC 2.0 §4); returns undefined for notifications (§4.1). */
async function handleOne(request: unknown, call: Call): Promise<object | undefined> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return errorResponse(null, 'INVALID_REQUEST', 'A request must be a JSON object.')
  }
  const { jsonrpc, method, params, id } = request as Record<string, unknown>
  const hasId = Object.hasOwn(request, 'id')
  if (hasId && !isId(id))
    return errorResponse(null, 'INVALID_REQUEST', 'id must be a string, number or null.')
  const replyId: Id = hasId ? (id as Id) : null
  if (jsonrpc !== '2.0') return errorResponse(replyId, 'INVALID_REQUEST', 'jsonrpc must be "2.0".')
  if (typeof method !== 'string')
    return errorResponse(replyId, 'INVALID_REQUEST', 'method must be a string.')
  if (Array.isArray(params)) {
    return errorResponse(
      replyId,
      'INVALID_PARAMS',
      'params must be an object (by-name), not an array.',
    )
  }
  const outcome = await call(method, params)
  if (!hasId) return undefined
  if (outcome.ok) return { jsonrpc: '2.0', id: replyId, result: outcome.result }
  return errorResponse(replyId, outcome.error.code, outcome.error.message, outcome.error)
}

/**
 * One incoming text frame → the text to send back (undefined when nothing is owed:
 * notifications, or a batch of only notifications). Never throws.
 */
export async function handleJsonRpcMessage(text: string, call: Call): Promise<string | undefined> {
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_MESSAGE_BYTES) {
    return JSON.stringify(
      errorResponse(
        null,
        'INVALID_REQUEST',
        `Message too large (${bytes} bytes; limit ${MAX_MESSAGE_BYTES}).`,
      ),
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return JSON.stringify(errorResponse(null, 'PARSE_ERROR', 'Message is not valid JSON.'))
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0)
      return JSON.stringify(errorResponse(null, 'INVALID_REQUEST', 'Empty batch.'))
    const replies = (await Promise.all(parsed.map((item) => handleOne(item, call)))).filter(Boolean)
    return replies.length ? JSON.stringify(replies) : undefined
  }
  const reply = await handleOne(parsed, call)
  return reply && JSON.stringify(reply)
}

/** Server → client event (§4.1 notification: no id). */
export function eventNotification(event: string, payload: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method: event, params: payload })
}
