export { DingTalkLoginError, DingTalkLoginErrorCode, isDingTalkLoginError } from './DingTalkLoginError'
export type { DingTalkLoginErrorOptions } from './DingTalkLoginError'
export type {
  DingTalkBinding,
  DingTalkLocale,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  LoginPlatform,
  LoginType,
  QrCodeExchange,
  WorkbenchCodeExchange,
} from './types'
export { getDTFrameLogin } from './vendor'
export type {
  ContainerHints,
  DTFrameLogin,
  IDTLoginFrameParams,
  IDTLoginLoginParams,
  IDTLoginSuccess,
} from './vendor'
export { QR_LOGIN_SDK_URL, loadQrLoginSdk } from './loadQrLoginSdk'
export type { LoadQrLoginSdkOptions } from './loadQrLoginSdk'
export { mountQrFrame, toLoginParams } from './mountQrFrame'
export type { QrFrameHandlers, QrFrameOptions } from './mountQrFrame'
export { compareVersions, detectDingTalkEnv } from './detectDingTalkEnv'
export type { DingTalkEnv, DingTalkPlatform } from './detectDingTalkEnv'
export { createDingTalkBridge } from './dingtalkBridge'
export type { DingTalkBridge, RequestAuthCodeOptions } from './dingtalkBridge'
export {
  DEFAULT_ENDPOINT,
  createDingTalkLoginClient,
  exchangeQrCode,
  exchangeWorkbenchCode,
  fetchLoginConfig,
} from './createDingTalkLoginClient'
export type {
  DingTalkLoginClient,
  DingTalkLoginClientOptions,
  FetchLike,
  GetConfigOptions,
  GetLoginCodeInput,
} from './createDingTalkLoginClient'
export { createQrLoginStore } from './createQrLoginStore'
export type {
  QrLoginDeps,
  QrLoginOptions,
  QrLoginState,
  QrLoginStatus,
  QrLoginStore,
} from './createQrLoginStore'
export {
  createWorkbenchLoginStore,
  getCorpIdFromSearch,
  shouldShowWorkbenchFallback,
} from './createWorkbenchLoginStore'
export type {
  WorkbenchLoginDeps,
  WorkbenchLoginOptions,
  WorkbenchLoginState,
  WorkbenchLoginStatus,
  WorkbenchLoginStore,
} from './createWorkbenchLoginStore'
