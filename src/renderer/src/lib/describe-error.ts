import { ApiError } from '@shared/errors'

/**
 * Words for an error the person can act on. Core errors are already written for people
 * (ApiError.message); field problems are appended so a form shows which value is wrong.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const issues = error.issues?.map((issue) => `${issue.path}: ${issue.message}`) ?? []
    return issues.length > 0 ? `${error.message} (${issues.join('; ')})` : error.message
  }
  if (error instanceof Error && error.message) {
    return `Something went wrong: ${error.message}. Try again; if it keeps happening, restart the app.`
  }
  return 'Something went wrong. Try again; if it keeps happening, restart the app.'
}
