import { z } from 'zod'

/**
 * One API method: the zod schema of its params (checked by main before any handler
 * runs), the schema of its result (checked before it leaves main) and a sentence
 * for people reading the contract.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I
  readonly output: O
  readonly summary: string
}

/** Declares a method; `input` should be a strict object so typos in params are refused. */
export function method<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  summary: string,
): MethodSpec<I, O> {
  return { input, output, summary }
}

/** Params for methods that take none. Strict, so `{"foo":1}` is refused rather than ignored. */
export const NoParams = z.object({}).strict()

/** Result of methods that only acknowledge. */
export const Ok = z.object({ ok: z.literal(true) })
