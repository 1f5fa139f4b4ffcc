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
} from './core'
export type {
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
  DTFrameLogin,
  FetchLike,
  LoginPlatform,
  LoginType,
  QrCodeExchange,
  QrLoginStatus,
  RequestAuthCodeOptions,
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
export { useDingTalkEnv } from './react/useDingTalkEnv'
export type { UseDingTalkEnvOptions } from './react/useDingTalkEnv'
export { getDefaultTexts } from './react/texts'
export type { DingTalkLoginTexts, DingTalkLoginTextsOverride } from './react/texts'
