export { DingTalkLoginError, DingTalkLoginErrorCode, isDingTalkLoginError } from './DingTalkLoginError'
export type { DingTalkLoginErrorOptions } from './DingTalkLoginError'
