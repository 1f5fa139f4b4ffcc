import { DingTalkLoginError, isDingTalkLoginError } from './DingTalkLoginError'
import type { DingTalkLoginErrorCode } from './DingTalkLoginError'

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  if (typeof error === 'object' && error !== null) {
    // DingTalk: container errors are plain `{ errorCode, errorMessage }` objects.
    const { errorMessage, message } = error as { errorMessage?: unknown; message?: unknown }
    if (typeof errorMessage === 'string' && errorMessage) return errorMessage
    if (typeof message === 'string' && message) return message
  }
  return 'Login failed'
}

/** Whatever an injected function threw, as the {@link DingTalkLoginError} that `onError` promises. */
export function toDingTalkLoginError(error: unknown, code: DingTalkLoginErrorCode): DingTalkLoginError {
  if (isDingTalkLoginError(error)) return error
  return new DingTalkLoginError(code, messageOf(error), { cause: error })
}
