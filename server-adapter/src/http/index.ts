export { createDingTalkHandler } from './createDingTalkHandler'
export type { DingTalkHandler } from './createDingTalkHandler'
export type { DingTalkHttpHandler, DingTalkSessionSource } from './DingTalkHttpHandler'
export { DEFAULT_BASE_PATH, normalizeBasePath } from './basePath'
export { DINGTALK_LOGIN_SCRIPT_SRC } from './handlerOptions'
export type { DingTalkHandlerOptions, DingTalkRateLimitOptions } from './handlerOptions'
export { MAX_BODY_BYTES } from './readJsonBody'
export { rememberClientAddress } from './clientAddress'
export type {
  DingTalkErrorResponse,
  DingTalkLoginResponse,
  DingTalkPublicLoginConfig,
  DingTalkSessionToken,
  DingTalkSessionView,
} from './wire'
