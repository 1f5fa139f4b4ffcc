import type { Logger } from '../logger'
import type { TokenCache } from './tokenCache'

/** Per-call options of every {@link DingTalkClient} method. */
export interface DingTalkCallOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal
  /** Overrides the client's timeout for this call, in ms. */
  timeoutMs?: number
  /** Called before each HTTP request of the call (retries included), e.g. to count what a sync costs. */
  onRequest?: (endpoint: string) => void
}

/** Retry policy for idempotent calls. */
export interface DingTalkRetryOptions {
  /** Retries after the first attempt. @default 2 */
  retries?: number
  /** First backoff delay; doubles each retry, with ±50 % jitter. @default 100 */
  baseDelayMs?: number
  /** Cap of one backoff delay. @default 2_000 */
  maxDelayMs?: number
}

/** Options of {@link DingTalkClient}. */
export interface DDInnerClientOptions {
  /** v1.0 API origin. @default 'https://api.dingtalk.com' */
  apiBase?: string
  /** oapi origin. @default 'https://oapi.dingtalk.com' */
  oapiBase?: string
  /** Login page origin. @default 'https://login.dingtalk.com' */
  loginBase?: string
  /** `fetch` to use; looked up at call time when not given (late-bound, so test doubles installed later work). */
  fetch?: typeof fetch
  /** Timeout of one HTTP call, in ms. @default 5_000 */
  timeoutMs?: number
  /** Clock for token expiry. @default Date.now */
  now?: () => number
  /** App-token cache (shared between clients of the same app and, with Redis, between processes). @default in-memory */
  tokenCache?: TokenCache
  /** Refresh the app token this long before it expires. @default 300_000 */
  tokenRefreshMarginMs?: number
  /** Retry policy for idempotent calls. */
  retry?: DingTalkRetryOptions
  /** Logger (already masking). @default silent */
  logger?: Logger
  /** Jitter source, in [0, 1). @default Math.random */
  random?: () => number
}

/** The credentials of one internal DingTalk app. */
export interface DDInnerClientCredentials {
  /** AppKey (Client ID). */
  appKey: string
  /** AppSecret (Client Secret). Never leaves the server. */
  appSecret: string
  /** The app's corp, if known. */
  corpId?: string
}
