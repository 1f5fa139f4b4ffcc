export { DingTalkLoginError, DingTalkLoginErrorCode, isDingTalkLoginError } from './DingTalkLoginError'
export type { DingTalkLoginErrorOptions } from './DingTalkLoginError'
export type {
  DingTalkBinding,
  DingTalkLocale,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  DingTalkSession,
  DingTalkSessionToken,
  DingTalkUser,
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
export { preconnect, preloadQrLogin } from './preloadQrLogin'
export type { PreloadQrLoginOptions } from './preloadQrLogin'
export { checkPageOrigin } from './checkPageOrigin'
export { getAuthorizeUrl } from './getAuthorizeUrl'
export type { AuthorizeUrlOptions } from './getAuthorizeUrl'
export { mountQrFrame, toLoginParams } from './mountQrFrame'
export type { QrFrameHandlers, QrFrameOptions } from './mountQrFrame'
export { compareVersions, detectDingTalkEnv } from './detectDingTalkEnv'
export type { DingTalkEnv, DingTalkPlatform } from './detectDingTalkEnv'
export { createDingTalkBridge } from './dingtalkBridge'
export type { DingTalkBridge, RequestAuthCodeOptions } from './dingtalkBridge'
export {
  DEFAULT_ENDPOINT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  createDingTalkLoginClient,
  exchangeQrCode,
  exchangeWorkbenchCode,
  fetchLoginConfig,
  fetchSession,
  logout,
} from './createDingTalkLoginClient'
export type {
  DingTalkLoginClient,
  DingTalkLoginClientOptions,
  FetchLike,
  GetConfigOptions,
  GetLoginCodeInput,
  RequestOptions,
} from './createDingTalkLoginClient'
export { createSessionStore } from './createSessionStore'
export type { SessionState, SessionStatus, SessionStore } from './createSessionStore'
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
