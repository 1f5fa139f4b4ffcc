export { DingTalkLoginError, DingTalkLoginErrorCode, isDingTalkLoginError } from './core'
export type { DingTalkLoginErrorOptions } from './core'
