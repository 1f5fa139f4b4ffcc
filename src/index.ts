export {
  DingTalkLoginError,
  DingTalkLoginErrorCode,
  isDingTalkLoginError,
  createDingTalkLoginClient,
  exchangeQrCode,
  exchangeWorkbenchCode,
  fetchLoginConfig,
  DEFAULT_ENDPOINT,
  QR_LOGIN_SDK_URL,
  loadQrLoginSdk,
  preloadQrLogin,
  getAuthorizeUrl,
} from './core'
export type {
  AuthorizeUrlOptions,
  DingTalkBinding,
  DingTalkBridge,
  DingTalkEnv,
  DingTalkLocale,
  DingTalkLoginClient,
  DingTalkLoginClientOptions,
  DingTalkLoginConfig,
  DingTalkLoginErrorOptions,
  DingTalkLoginResult,
  DingTalkPlatform,
  DingTalkSession,
  DingTalkSessionToken,
  DingTalkUser,
  DTFrameLogin,
  FetchLike,
  LoginPlatform,
  LoginType,
  PreloadQrLoginOptions,
  QrCodeExchange,
  QrLoginStatus,
  RequestAuthCodeOptions,
  RequestOptions,
  SessionStatus,
  WorkbenchCodeExchange,
  WorkbenchLoginStatus,
} from './core'
export { DingTalkLoginProvider } from './react/DingTalkLoginProvider'
export type { DingTalkLoginProviderProps, DingTalkLoginSettings } from './react/DingTalkLoginProvider'
export { DingTalkQrLogin } from './react/DingTalkQrLogin'
export type { DingTalkQrLoginProps } from './react/DingTalkQrLogin'
export { WorkbenchAutoLogin } from './react/WorkbenchAutoLogin'
export type { WorkbenchAutoLoginProps } from './react/WorkbenchAutoLogin'
export { DingTalkLogin } from './react/DingTalkLogin'
export type { DingTalkLoginProps } from './react/DingTalkLogin'
export { useDingTalkQrLogin } from './react/useDingTalkQrLogin'
export type { UseDingTalkQrLoginOptions, UseDingTalkQrLoginResult } from './react/useDingTalkQrLogin'
export { useWorkbenchAutoLogin } from './react/useWorkbenchAutoLogin'
export type { UseWorkbenchAutoLoginOptions, UseWorkbenchAutoLoginResult } from './react/useWorkbenchAutoLogin'
export { useDingTalkSession } from './react/useDingTalkSession'
export type { UseDingTalkSessionResult } from './react/useDingTalkSession'
export { DingTalkLoginButton } from './react/DingTalkLoginButton'
export type { DingTalkLoginButtonProps } from './react/DingTalkLoginButton'
export { useDingTalkEnv } from './react/useDingTalkEnv'
export type { UseDingTalkEnvOptions } from './react/useDingTalkEnv'
export { getDefaultTexts } from './react/texts'
export type { DingTalkLoginTexts, DingTalkLoginTextsOverride } from './react/texts'
