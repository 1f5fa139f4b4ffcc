import type { DingTalkAuthCore } from '../DingTalkAuthCore'
import type { DirectoryCallbackReceiver } from '../directory/createCallbackReceiver'
import { DINGTALK_LOGIN_BASE } from '../dingtalk/DingTalkClient'
import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError } from '../errors'
import type { DingTalkLoginResult } from '../login/loginResult'
import type { SessionOptions } from '../session/createSessionManager'
import type { StateStore } from '../state/StateStore'
import { DEFAULT_BASE_PATH, normalizeBasePath } from './basePath'
import { trustedProxyCount } from './forwardedHeaders'
import { MAX_BODY_BYTES } from './readJsonBody'

/** The official `ddlogin.js`. */
export const DINGTALK_LOGIN_SCRIPT_SRC = 'https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js'

/** A per-client limit on the routes that create login states (`GET /config`, `GET /authorize`). */
export interface DingTalkRateLimitOptions {
  /**
   * Login states one client may create per window. Leave room for several tabs, QR components and the QR
   * component's refresh every 9 minutes, and for an office behind one NAT address. @default 60
   */
  max?: number
  /** The window, ms. @default 60_000 */
  windowMs?: number
  /**
   * Who a client is. @default the socket address the Node adapters saw (Express, Fastify, Koa, node:http), or
   * with `trustProxy` the `X-Forwarded-For` address your proxy appended (the last entry; with `trustProxy: n` the
   * n-th from the end); return `null` to leave a request unlimited (Hono and Next.js give no socket address:
   * without `trustProxy` pass e.g. `(request) => request.headers.get('x-real-ip')` behind your proxy).
   */
  clientKey?: (request: Request) => string | null
}

/** Options of the HTTP layer. */
export interface DingTalkHandlerOptions {
  /** Where the routes are mounted. @default '/api/auth/dingtalk' */
  basePath?: string
  /**
   * Login states, used codes, the session index and revocations (and, through `createDingTalkAuth`, the
   * app-token cache). Use a Redis or SQL store when several processes serve logins. @default the core's state store
   * (`auth.stateStore`, where its directory and `auth.sessions` revoke sessions), else an in-memory store
   */
  stateStore?: StateStore
  /**
   * Built-in sessions: an HS256 JWT set as an HttpOnly cookie and returned in the login body (for WebViews that
   * drop cookies, send it back as `Authorization: Bearer`). Give this or `onLogin`.
   */
  session?: SessionOptions
  /**
   * Hands a successful login to the app's own sessions instead. Return a `Response` to answer with it (the
   * handler adds `Cache-Control: no-store`); return nothing to answer the login result as JSON (no `session`).
   */
  onLogin?: (result: DingTalkLoginResult, request: Request) => Awaitable<Response | void>
  /**
   * The directory whose encrypted DingTalk HTTP callbacks `POST /events` receives (`auth.directory` with
   * `events: 'callback'`). With callbacks, the handler may serve them without `session` or `onLogin`; its login
   * routes then answer `config_error`.
   */
  directory?: DirectoryCallbackReceiver
  /**
   * The app's public origin (`https://app.example.com`), used for `redirectUri`, same-origin checks and secure
   * cookies. Set it behind a dev proxy or a reverse proxy. @default the origin of each request (see `trustProxy`)
   */
  publicOrigin?: string
  /**
   * The proxies in front of the app that you control (`true` is one): the request origin then comes from
   * `X-Forwarded-Proto` / `X-Forwarded-Host`, and the rate limit's client from `X-Forwarded-For`. A client can send
   * these headers too and each proxy appends its own entry, so the entry read is the one the outermost trusted
   * proxy wrote: the last one with `true`, the n-th from the end with `n` (a CDN then a load balancer: `2`).
   * Only the proxies may reach the app. @default false
   */
  trustProxy?: boolean | number
  /**
   * Other origins whose pages may call the POST routes (their `Origin` is accepted; CORS with credentials is
   * answered for them). The app's own origin is always allowed. @default []
   */
  allowedOrigins?: readonly string[]
  /**
   * Where `GET /authorize?returnTo=` may send the browser after login: path prefixes on the app's own origin
   * (`'/admin'`) or absolute URL prefixes (`'https://admin.example.com/'`). @default ['/']
   */
  allowedReturnTo?: readonly string[]
  /** The instance `GET /config` and `/authorize` use when several exist and the request names none. */
  defaultInstance?: string
  /** Largest POST body, bytes. @default 16_384 */
  maxBodyBytes?: number
  /** Lifetime of a login state. @default 600_000 (10 minutes) */
  stateTtlMs?: number
  /** A repeat of a code from the same browser within this window gets the first result. @default 60_000 */
  codeReplayWindowMs?: number
  /**
   * Name of the browser-binding cookie: one random nonce per browser, whose hash every login state of the
   * browser records (never the state itself). On https it is sent as `__Host-<name>` with `Path=/`.
   * @default 'dingtalk_login_state'
   */
  stateCookieName?: string
  /**
   * Limit per client on the routes that create login states, answered with `rate_limited` (429). Off by
   * default; the memory state store caps live states either way.
   */
  rateLimit?: DingTalkRateLimitOptions
  /** Clock, epoch ms. @default the core's clock */
  now?: () => number
}

/** The options with every default applied and every value checked. */
export interface HandlerSettings {
  basePath: string
  publicOrigin: string | null
  /** How many proxies in front of the app write the `X-Forwarded-*` headers read (0: none are read). */
  trustedProxies: number
  allowedOrigins: ReadonlySet<string>
  allowedReturnTo: readonly string[]
  defaultInstance: string | undefined
  maxBodyBytes: number
  stateTtlMs: number
  replayWindowMs: number
  stateCookieName: string
  loginOrigin: string
  scriptSrc: string
  scope: string
  now: () => number
}

function originOf(value: string, what: string): string {
  try {
    const url = new URL(value)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(url.protocol)
    return url.origin
  } catch (cause) {
    throw new DingTalkAuthError('config_error', { cause, detail: `${what}: expected an http(s) origin` })
  }
}

/** Applies the defaults and checks the options; throws `config_error` naming the option at fault. */
export function resolveHandlerOptions(
  core: DingTalkAuthCore,
  options: DingTalkHandlerOptions,
): HandlerSettings {
  const loginBase = core.settings.loginBase.replace(/\/+$/, '')
  const isRealDingTalk = loginBase === DINGTALK_LOGIN_BASE
  if (options.defaultInstance && !core.service.getAuthByName(options.defaultInstance)) {
    throw new DingTalkAuthError('config_error', { detail: 'defaultInstance names no configured instance' })
  }
  return {
    basePath: normalizeBasePath(options.basePath ?? DEFAULT_BASE_PATH),
    publicOrigin: options.publicOrigin ? originOf(options.publicOrigin, 'publicOrigin') : null,
    trustedProxies: trustedProxyCount(options.trustProxy),
    allowedOrigins: new Set((options.allowedOrigins ?? []).map((o) => originOf(o, 'allowedOrigins'))),
    allowedReturnTo: options.allowedReturnTo ?? ['/'],
    defaultInstance: options.defaultInstance,
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
    stateTtlMs: options.stateTtlMs ?? 600_000,
    replayWindowMs: options.codeReplayWindowMs ?? 60_000,
    stateCookieName: options.stateCookieName ?? 'dingtalk_login_state',
    loginOrigin: isRealDingTalk ? DINGTALK_LOGIN_BASE : originOf(loginBase, 'dingtalk.loginBase'),
    scriptSrc: isRealDingTalk ? DINGTALK_LOGIN_SCRIPT_SRC : `${loginBase}/ddlogin.js`,
    scope: core.settings.scope,
    now: options.now ?? core.now,
  }
}
