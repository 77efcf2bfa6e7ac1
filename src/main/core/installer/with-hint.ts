import { ApiError } from '../../../shared/errors'

/**
 * FlasherError and ReplError carry a `hint` ("Hold BOOT, tap EN, …") that the wire
 * format has no field for: fold it into the message so every UI shows it.
 */
export async function withHint<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const hint = (error as { hint?: unknown }).hint
    if (error instanceof ApiError && typeof hint === 'string' && hint !== '') {
      throw new ApiError(error.code, `${error.message} ${hint}`)
    }
    throw error
  }
}
