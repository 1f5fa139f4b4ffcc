import type { DingTalkInstanceInput } from './config/loadInstances'
import type { DingTalkRetryOptions } from './dingtalk/DingTalkClientOptions'
import type { Awaitable, TokenCache } from './dingtalk/tokenCache'
import type { DirectoryOptions } from './directory/DirectoryOptions'
import type { DingTalkHandlerOptions } from './http/handlerOptions'
import type { Logger } from './logger'
import type { DingTalkLoginResult, DingTalkUser, ResolvedLocalUser } from './login/loginResult'
import type { SessionOptions } from './session/createSessionManager'
import type { StateStoreSpec } from './state/createStateStore'
import type { BindingStoreSpec } from './store/createBindingStore'

/** Where DingTalk is, and how to talk to it. */
export interface DingTalkEndpointOptions {
  /** v1.0 API origin. @default 'https://api.dingtalk.com' */
  apiBase?: string
  /** oapi origin. @default 'https://oapi.dingtalk.com' */
  oapiBase?: string
  /** Login page origin (QR iframe, redirect login). @default 'https://login.dingtalk.com' */
  loginBase?: string
  /** Timeout of each DingTalk call, ms. @default 5_000 */
  timeoutMs?: number
  /** Retries of idempotent calls (token fetch, user lookups). */
  retry?: DingTalkRetryOptions
  /** Refresh app tokens this long before expiry, ms. @default 300_000 */
  tokenRefreshMarginMs?: number
}

/** Options of `createDingTalkAuth`. */
export interface DingTalkAuthOptions {
  /**
   * The login instances: a folder in the original layout (`auths/loginTypes/<name>/e.json` +
   * `<name>/<name>.json`), or an array of `{ name, title, authConfig }`.
   */
  instances: string | readonly DingTalkInstanceInput[]
  /**
   * Where bindings and local users live: `'memory'`, `'sqlite:./path'`, `'postgres://…'`, `'mysql://…'`, or a
   * `BindingStore`. @default 'sqlite:./data/dingtalk-login.sqlite'
   */
  store?: BindingStoreSpec
  /** Table name prefix of the SQL store. @default 'dingtalk_' */
  tablePrefix?: string
  /** DingTalk origins and call policy. Defaults: the real DingTalk. */
  dingtalk?: DingTalkEndpointOptions
  /** `fetch` for every DingTalk call. @default the global fetch, looked up at call time */
  fetch?: typeof fetch
  /** Clock, epoch ms. @default Date.now */
  now?: () => number
  /** Logger (pino-compatible); everything written is masked. @default console, warn and above */
  logger?: Logger
  /** App-token cache (e.g. Redis for several processes). @default in-memory */
  tokenCache?: TokenCache
  /** Refresh a known person's stored profile when it is at least this old, ms; 0 = every login. @default 0 */
  profileMaxAgeMs?: number
  /** When a person has no binding and `resolveUser` gives no user: create a local user, or reject with `user_not_bound`. @default 'create' */
  onUnbound?: 'create' | 'reject'
  /** Maps a DingTalk person to the app's own user on a first login (return `null` for none). */
  resolveUser?: (user: DingTalkUser) => Awaitable<ResolvedLocalUser | string>
  /** OAuth scope of QR logins; with `corpid` DingTalk reports the chosen corp, checked against the instance. @default 'openid corpid' */
  scope?: string
  /** Environment for `"${ENV_NAME}"` values. @default process.env */
  env?: Record<string, string | undefined>
  /**
   * Built-in sessions for `auth.handler`: an HS256 JWT (secret ≥ 32 bytes, `previousSecrets` for rotation) set as
   * an HttpOnly cookie and returned in the login body. Give this or `onLogin` to serve logins over HTTP.
   */
  session?: SessionOptions
  /**
   * Hands each successful HTTP login to your own sessions instead of `session`. Return a `Response` to answer
   * with it, or nothing to answer the login result as JSON.
   */
  onLogin?: (result: DingTalkLoginResult, request: Request) => Awaitable<Response | void>
  /**
   * Login states, used codes, revoked sessions and (unless `tokenCache` is given) the app-token cache with its
   * lock: `'memory'`, `'redis://…'` (several processes share it and fetch each app token once between them), or a
   * `StateStore`. @default 'memory'
   */
  stateStore?: StateStoreSpec | string | undefined
  /** Where `auth.handler` serves its routes. @default '/api/auth/dingtalk' */
  basePath?: string
  /** The rest of the HTTP layer's settings (origins, returnTo allow-list, limits). */
  http?: DingTalkHttpOptions
  /**
   * The organisation: how changes arrive (`events`), how often the whole directory is crawled
   * (`fullSyncEvery`), what a leave does (`leavers`), callback keys, per-instance overrides and lifecycle hooks.
   * `auth.directory.start()` starts events and the schedule; `auth.directory.sync()` crawls once.
   */
  directory?: DirectoryOptions
  /**
   * Asks DingTalk at startup what `auth.doctor()` asks (credentials, published app, corp, agentId, permissions,
   * directory events, redirect URI, IP allow-list, clock) and logs one line per problem. Startup waits for the answers (each call bounded by
   * `dingtalk.timeoutMs`) but never fails because of them. @default false
   */
  verifyOnStart?: boolean
}

/** HTTP settings of {@link DingTalkAuthOptions.http}. */
export type DingTalkHttpOptions = Omit<
  DingTalkHandlerOptions,
  'basePath' | 'session' | 'onLogin' | 'stateStore' | 'directory' | 'now'
>
