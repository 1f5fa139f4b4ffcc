import { DingTalkLoginError } from './DingTalkLoginError'
import type { DingTalkLoginErrorCode } from './DingTalkLoginError'

/** Whatever an injected function threw, as the {@link DingTalkLoginError} that `onError` promises. */
export function toDingTalkLoginError(error: unknown, code: DingTalkLoginErrorCode): DingTalkLoginError {
  const { name, message } = Object(error) as { name?: unknown; message?: string }
  // By name, not only instanceof: another bundle copy of the SDK may have thrown it.
  return name === 'DingTalkLoginError'
    ? (error as DingTalkLoginError)
    : new DingTalkLoginError(code, message || (error as string), { cause: error })
}
