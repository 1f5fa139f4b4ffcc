import { DingTalkLoginError } from './DingTalkLoginError'
import type { DingTalkLoginErrorCode } from './DingTalkLoginError'

/** Whatever an injected function threw, as the {@link DingTalkLoginError} that `onError` promises. */
export function toDingTalkLoginError(error: unknown, code: DingTalkLoginErrorCode): DingTalkLoginError {
  // By name, not only instanceof: another bundle copy of the SDK may have thrown it.
  if (Object(error).name === 'DingTalkLoginError') return error as DingTalkLoginError
  // DingTalk: container errors are plain `{ errorCode, errorMessage }` objects.
  const { errorMessage, message } = Object(error) as { errorMessage?: unknown; message?: unknown }
  const text = errorMessage || message || (typeof error === 'string' && error)
  return new DingTalkLoginError(code, typeof text === 'string' ? text : 'Login failed', { cause: error })
}
