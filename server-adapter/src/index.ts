export { STATE_BYTES, generateState, hashState, statesEqual } from './login/state'

export { createDingTalkAuth } from './createDingTalkAuth'
export type { DingTalkAuth } from './createDingTalkAuth'
export type { DingTalkAuthOptions, DingTalkEndpointOptions, DingTalkHttpOptions } from './DingTalkAuthOptions'
export type { DingTalkBindingRef, DingTalkSessions } from './session/createDingTalkSessions'
export type { DingTalkAuthCore, ResolvedDingTalkSettings } from './DingTalkAuthCore'

export { DD_INNER_TYPE, DingTalkConfigError, loadInstances } from './config/loadInstances'
export type {
  ConfigIssue,
  DDInnerAuthConfig,
  DingTalkInstanceInput,
  ResolvedInstance,
} from './config/loadInstances'

export { DD_INNER_AUTH_MODEL, DD_INNER_AUTH_SVC, DDInnerAuth } from './login/DDInnerAuth'
export type { DDInnerLoginConfig } from './login/DDInnerAuth'
export { DDInnerAuthSvc } from './login/DDInnerAuthSvc'
export type {
  DDInnerAuthSvcOptions,
  LoginCallOptions,
  QrLoginParams,
  WorkbenchLoginParams,
} from './login/DDInnerAuthSvc'
export type {
  DingTalkLoginBinding,
  DingTalkLoginFlow,
  DingTalkLoginResult,
  DingTalkUser,
  ResolvedLocalUser,
} from './login/loginResult'
export type { MemberLogin, OnMemberLogin } from './login/MemberLogin'
export { toDingTalkAuthError } from './login/toDingTalkAuthError'

export {
  DDInnerClient,
  DINGTALK_API_BASE,
  DINGTALK_LOGIN_BASE,
  DINGTALK_OAPI_BASE,
  DingTalkClient,
} from './dingtalk/DingTalkClient'
export type { DingTalkDirectoryClient } from './dingtalk/DingTalkDirectoryClient'
export type {
  DDInnerClientCredentials,
  DDInnerClientOptions,
  DingTalkCallOptions,
  DingTalkRetryOptions,
} from './dingtalk/DingTalkClientOptions'
export { DingTalkApiError } from './dingtalk/DingTalkApiError'
export { DingTalkFetchError } from './dingtalk/DingTalkFetchError'
export { UnexpectedResponseError } from './dingtalk/UnexpectedResponseError'
export { isBusyError, isInvalidAppTokenError, isThrottledError } from './dingtalk/errorPredicates'
export type {
  AppAccessToken,
  AuthorizationUrlParams,
  DingTalkCodeUser,
  DingTalkCurrentUser,
  DingTalkUserDetail,
  DingTalkUserIdByUnionId,
  UserAccessToken,
} from './dingtalk/wireTypes'
export { worstCaseCallMs } from './dingtalk/worstCaseCallMs'
export type { CallBudget } from './dingtalk/worstCaseCallMs'
export { createAppTokenManager, createMemoryTokenCache } from './dingtalk/tokenCache'
export type {
  AppTokenManager,
  AppTokenManagerOptions,
  Awaitable,
  CachedAppToken,
  FetchedAppToken,
  TokenCache,
} from './dingtalk/tokenCache'

export {
  DINGTALK_AUTH_ERROR_MESSAGES,
  DINGTALK_AUTH_ERROR_STATUS,
  DingTalkAuthError,
  DingTalkAuthErrorCode,
  isDingTalkAuthError,
  pickLocale,
} from './errors'
export type { DingTalkAuthErrorOptions, DingTalkAuthLocale } from './errors'

export {
  createConsoleLogger,
  createMaskingLogger,
  maskPhone,
  maskSecrets,
  maskText,
  maskValue,
  silentLogger,
} from './logger'
export type { LogFn, LogLevel, Logger } from './logger'

export { createDirectory } from './directory/createDirectory'
export type { CreateDirectoryOptions } from './directory/createDirectory'
export { createUnavailableDirectory } from './directory/createUnavailableDirectory'
export type {
  DingTalkDirectory,
  DirectoryPersonRecord,
  DirectorySyncOptions,
} from './directory/DingTalkDirectory'
export { resolveDirectorySettings } from './directory/DirectoryOptions'
export { parseInterval } from './directory/parseInterval'
export { resolveDirectoryTiming } from './directory/DirectoryTiming'
export type {
  DirectoryCallbackKeys,
  DirectoryOptions,
  DirectoryPersonEvent,
  DirectorySettings,
  ResolvedDirectorySettings,
} from './directory/DirectoryOptions'
export type {
  DirectoryLeaderOptions,
  DirectoryStreamOptions,
  ResolvedDirectoryTiming,
} from './directory/DirectoryTiming'
export type {
  DirectoryCallback,
  DirectoryCallbackAnswer,
  DirectoryCallbackResult,
} from './directory/createCallbackReceiver'
export type { DirectorySyncReport } from './directory/DirectorySyncReport'
export type { CorpSyncReport } from './directory/syncCorp'
export type { CrawlFailure, CrawlProgress } from './directory/crawlDirectory'
export type { SessionRevoker } from './directory/SessionRevoker'
export { createCallbackCrypto } from './directory/callbackCrypto'
export type { CallbackCrypto } from './directory/callbackCrypto'
export type {
  DingTalkDepartment,
  DingTalkDepartmentUser,
  DingTalkDepartmentUserPage,
  DingTalkLeaveRecord,
  DingTalkLeaveRecordPage,
} from './dingtalk/directoryApi'

export { createBindingStore } from './store/createBindingStore'
export type { BindingStoreSpec } from './store/createBindingStore'
export { createMemoryBindingStore } from './store/createMemoryBindingStore'
export { createSqlBindingStore } from './store/createSqlBindingStore'
export type { SqlBindingStore, SqlBindingStoreOptions } from './store/createSqlBindingStore'
export { sqlFlavorOf } from './sql/sqlFlavorOf'
export type { SqlFlavor } from './sql/sqlFlavorOf'
export { createMemoryDirectoryStore } from './store/createMemoryDirectoryStore'
export { isDirectoryStore } from './store/DirectoryStore'
export { VACATED_USERID_PREFIX, isVacatedUserId, vacatedUserIdOf } from './store/vacatedUserId'
export type {
  BoundPersonKey,
  DirectoryDepartment,
  DirectoryPerson,
  DirectoryPersonKey,
  DirectoryStore,
  MembershipState,
} from './store/DirectoryStore'
export type { SqlDriverName } from './sql/createSqlDialect'
export type { SqliteDriverName } from './sql/openSqliteDatabase'
export { MissingDriverError } from './drivers/MissingDriverError'
export { OPTIONAL_DRIVERS } from './drivers/importOptionalPeer'
export type { OptionalDriver } from './drivers/importOptionalPeer'
export type {
  BindingKey,
  BindingProfile,
  BindingStore,
  CreateBindingResult,
  DDInnerAuthModel,
  LocalUser,
  NewBinding,
} from './store/BindingStore'

export {
  DEFAULT_BASE_PATH,
  DINGTALK_LOGIN_SCRIPT_SRC,
  MAX_BODY_BYTES,
  createDingTalkHandler,
  normalizeBasePath,
  rememberClientAddress,
} from './http/index'
export type {
  DingTalkErrorResponse,
  DingTalkHandler,
  DingTalkHandlerOptions,
  DingTalkHttpHandler,
  DingTalkLoginResponse,
  DingTalkPublicLoginConfig,
  DingTalkRateLimitOptions,
  DingTalkSessionSource,
  DingTalkSessionToken,
  DingTalkSessionView,
} from './http/index'

export { MIN_SESSION_SECRET_BYTES, createSessionManager } from './session/createSessionManager'
export type {
  SessionClaims,
  SessionManager,
  SessionManagerOptions,
  SessionOptions,
} from './session/createSessionManager'
export type { SessionIndex, SessionOwner, SessionPerson, SessionRecord } from './session/sessionIndex'

export { createMemoryStateStore } from './state/createMemoryStateStore'
export type { MemoryStateStoreOptions } from './state/createMemoryStateStore'
export { createRedisStateStore } from './state/createRedisStateStore'
export type { RedisClientLike, RedisStateStoreOptions } from './state/createRedisStateStore'
export { LOGIN_STATE_KEY_PREFIX } from './state/StateStore'
export type { StateStore } from './state/StateStore'
export { createStateStore } from './state/createStateStore'
export type { StateStoreSpec } from './state/createStateStore'
export { createSqlStateStore } from './state/createSqlStateStore'
export type { SqlStateStore, SqlStateStoreOptions } from './state/createSqlStateStore'
export { toTokenCache } from './state/toTokenCache'

export { formatDoctorReport } from './doctor/index'
export type { DoctorCheck, DoctorReport, DoctorStatus } from './doctor/index'
