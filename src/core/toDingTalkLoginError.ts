import { DingTalkLoginError } from './DingTalkLoginError'
import type { DingTalkLoginErrorCode } from './DingTalkLoginError'

/**
 * Whatever an injected function threw, as the {@link DingTalkLoginError} that `onError` promises: with `code` and
 * `message` (default: the error's own message), unless it already is one.
 */
export function toDingTalkLoginError(
  error: unknown,
  code: DingTalkLoginErrorCode,
  message?: string,
): DingTalkLoginError {
  const own = Object(error) as { name?: unknown; message?: string }
  // By name, not only instanceof: another bundle copy of the SDK may have thrown it.
  return own.name === 'DingTalkLoginError'
    ? (error as DingTalkLoginError)
    : new DingTalkLoginError(code, message || own.message || (error as string), { cause: error })
}
