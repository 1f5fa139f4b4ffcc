export {
  DEFAULT_BASE_PATH,
  DINGTALK_LOGIN_SCRIPT_SRC,
  createDingTalkHandler,
  normalizeBasePath,
} from './createDingTalkHandler'
export type {
  DingTalkHandler,
  DingTalkHandlerOptions,
  DingTalkHttpHandler,
  DingTalkLoginResponse,
  DingTalkPublicLoginConfig,
} from './createDingTalkHandler'
export { MAX_BODY_BYTES } from './readJsonBody'
export { createSessionManager, MIN_SESSION_SECRET_BYTES } from '../session/createSessionManager'
export type { SessionClaims, SessionManager, SessionOptions } from '../session/createSessionManager'
export { createMemoryStateStore } from '../state/createMemoryStateStore'
export type { MemoryStateStoreOptions } from '../state/createMemoryStateStore'
export { createRedisStateStore } from '../state/createRedisStateStore'
export type { RedisClientLike, RedisStateStoreOptions } from '../state/createRedisStateStore'
export type { StateStore } from '../state/StateStore'
export { createStateStore } from '../state/createStateStore'
export { createSqlStateStore } from '../state/createSqlStateStore'
export type { SqlStateStore, SqlStateStoreOptions } from '../state/createSqlStateStore'
export type { StateStoreSpec } from '../state/createStateStore'
export { toTokenCache } from '../state/toTokenCache'
