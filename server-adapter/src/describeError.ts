import { maskText } from './logger'

const MAX_LENGTH = 200
// `scheme://user:password@host`: a store URL inside a driver's message keeps its scheme and host only. Up to the
// last `@` before the path: a password written with a raw `@` in it goes too.
const URL_CREDENTIALS = /\b([a-z][a-z\d+.-]*:\/\/)[^\s/]*@/gi

/**
 * What an error is, in one line for an operator: `MaxRetriesPerRequestError: Reached the max retries per request
 * limit…`. Never a secret: the message's secrets are masked ({@link maskText}), credentials in a URL are dropped,
 * and only the first line (no stack) is kept, cut at 200 characters.
 */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name || 'Error'}: ${error.message.split('\n')[0]!}`
      : `thrown ${typeof error}: ${String(error).split('\n')[0]!}`
  const safe = maskText(text.replace(URL_CREDENTIALS, '$1'))
  return safe.length > MAX_LENGTH ? `${safe.slice(0, MAX_LENGTH - 1)}…` : safe
}
