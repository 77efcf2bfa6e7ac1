import type { CallOutcome } from '../../shared/api'
import { JSON_RPC_CODES, type ApiErrorShape, type ErrorCode } from '../../shared/errors'

/** Largest JSON-RPC message accepted from a client; bigger ones get an error, not a crash. */
export const MAX_MESSAGE_BYTES = 1024 * 1024
/**
 * Most calls in one batch (JSON-RPC 2.0 §6 sets no limit). A 1 MiB frame holds ~16,000 tiny
 * calls, and each answer can be megabytes: unbounded, one frame ran the server out of memory
 * (issue 12). The UI sends single calls; 100 leaves room for scripts.
 */
export const MAX_BATCH_CALLS = 100
/**
 * Largest reply sent for one message, a batch's replies together. 10,000 devices make a
 * `devices.list` of ~6 MB, which must still fit; beyond it V8 strings (max ~512 MB) and
 * the heap give out long before a browser could use the answer.
 */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024

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

/** What is left of MAX_REPLY_BYTES for the replies of one message. */
interface Budget {
  bytes: number
}

/**
 * A response → its text, charged to the budget. A result that does not fit (or that JSON
 * cannot hold) becomes an error for that call alone: a few hundred bytes, always sent.
 */
function serialize(response: object, id: Id, method: string, budget: Budget): string {
  let text: string | undefined
  let failure: unknown
  try {
    text = JSON.stringify(response)
  } catch (error) {
    // RangeError: longer than V8's largest string; anything else: BigInt, cycles, toJSON throwing.
    failure = error
  }
  const bytes = text === undefined ? Infinity : Buffer.byteLength(text)
  if (text !== undefined && bytes <= budget.bytes) {
    budget.bytes -= bytes
    return text
  }
  const error =
    failure === undefined || failure instanceof RangeError
      ? errorResponse(
          id,
          'BAD_INPUT',
          `${method}: result too large: ask for less (limit/range). ` +
            `${Number.isFinite(bytes) ? `${bytes} bytes; ` : ''}` +
            `a reply holds at most ${MAX_REPLY_BYTES} bytes.`,
        )
      : errorResponse(id, 'INTERNAL', `${method}: the result could not be sent as JSON.`)
  text = JSON.stringify(error)
  budget.bytes -= Buffer.byteLength(text)
  return text
}

/**
 * Handles one request object (JSON-RPC 2.0 §4) → its response text; undefined for
 * notifications (§4.1).
 */
async function handleOne(
  request: unknown,
  call: Call,
  budget: Budget,
): Promise<string | undefined> {
  const refuse = (id: Id, code: ErrorCode, message: string): string =>
    serialize(errorResponse(id, code, message), id, 'request', budget)
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return refuse(null, 'INVALID_REQUEST', 'A request must be a JSON object.')
  }
  const { jsonrpc, method, params, id } = request as Record<string, unknown>
  const hasId = Object.hasOwn(request, 'id')
  if (hasId && !isId(id))
    return refuse(null, 'INVALID_REQUEST', 'id must be a string, number or null.')
  const replyId: Id = hasId ? (id as Id) : null
  if (jsonrpc !== '2.0') return refuse(replyId, 'INVALID_REQUEST', 'jsonrpc must be "2.0".')
  if (typeof method !== 'string')
    return refuse(replyId, 'INVALID_REQUEST', 'method must be a string.')
  if (Array.isArray(params)) {
    return refuse(replyId, 'INVALID_PARAMS', 'params must be an object (by-name), not an array.')
  }
  let outcome: CallOutcome
  try {
    outcome = await call(method, params)
  } catch (error) {
    // The dispatcher turns handler failures into outcomes; this is the net under it.
    const message = error instanceof Error ? error.message : String(error)
    outcome = { ok: false, error: { code: 'INTERNAL', message: `${method} failed: ${message}` } }
  }
  if (!hasId) return undefined
  // Serialised here, as each call ends, so a batch never holds every result object at once.
  const response = outcome.ok
    ? { jsonrpc: '2.0', id: replyId, result: outcome.result }
    : errorResponse(replyId, outcome.error.code, outcome.error.message, outcome.error)
  return serialize(response, replyId, method.slice(0, 100), budget)
}

/**
 * One incoming text frame → the text to send back (undefined when nothing is owed:
 * notifications, or a batch of only notifications). Never throws; the reply is at most
 * MAX_REPLY_BYTES (plus a few hundred bytes per call for "too large" errors).
 */
export async function handleJsonRpcMessage(text: string, call: Call): Promise<string | undefined> {
  try {
    return await handleMessage(text, call)
  } catch {
    return JSON.stringify(errorResponse(null, 'INTERNAL', 'The message could not be handled.'))
  }
}

async function handleMessage(text: string, call: Call): Promise<string | undefined> {
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
  const budget: Budget = { bytes: MAX_REPLY_BYTES }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0)
      return JSON.stringify(errorResponse(null, 'INVALID_REQUEST', 'Empty batch.'))
    if (parsed.length > MAX_BATCH_CALLS) {
      return JSON.stringify(
        errorResponse(
          null,
          'INVALID_REQUEST',
          `Batch of ${parsed.length} calls; the limit is ${MAX_BATCH_CALLS}: split it.`,
        ),
      )
    }
    budget.bytes -= parsed.length + 1 // the brackets and commas
    const replies = await Promise.all(parsed.map((item) => handleOne(item, call, budget)))
    const owed = replies.filter((reply) => reply !== undefined)
    return owed.length ? `[${owed.join(',')}]` : undefined
  }
  return handleOne(parsed, call, budget)
}

/**
 * Runs at most `max` tasks at once; the others wait, first come first served. One per
 * connection bounds the calls (and the results they build) a single client has in flight.
 */
export class CallGate {
  private running = 0
  private readonly waiting: Array<() => void> = []

  constructor(readonly max: number) {}

  /** Tasks running plus tasks waiting. */
  get pending(): number {
    return this.running + this.waiting.length
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.max) this.running++
    // A finishing task hands its slot straight to the next waiter (running stays the same).
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}

/** A JSON-RPC error reply (id null) for a message the server refuses as a whole. */
export function jsonRpcError(code: ErrorCode, message: string): string {
  return JSON.stringify(errorResponse(null, code, message))
}

/** Server → client event (§4.1 notification: no id). */
export function eventNotification(event: string, payload: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method: event, params: payload })
}
