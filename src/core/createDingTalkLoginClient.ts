import { DingTalkLoginError } from './DingTalkLoginError'
import { toDingTalkLoginError } from './toDingTalkLoginError'
import type {
  DingTalkLocale,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  DingTalkSession,
  LoginPlatform,
  LoginType,
  QrCodeExchange,
  WorkbenchCodeExchange,
} from './types'

/** The backend's base path when none is given. */
export const DEFAULT_ENDPOINT = '/api/auth/dingtalk'

/** How long one backend call may take by default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

/** A `fetch` with the standard signature; pass your own for tests, SSR proxies or instrumentation. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** Options of {@link createDingTalkLoginClient} and of the single-call functions. */
export interface DingTalkLoginClientOptions {
  /**
   * Base URL of the backend's DingTalk routes.
   * @default '/api/auth/dingtalk'
   */
  endpoint?: string
  /**
   * The `fetch` to use. Looked up at call time when not given, never captured at import.
   * @default globalThis.fetch
   */
  fetch?: FetchLike
  /** Sent as `Accept-Language`, so the backend's error messages come in the same language. */
  locale?: DingTalkLocale
  /**
   * Give up on a call after this many milliseconds with the `timeout` code (the request is aborted); `0` waits
   * forever.
   * @default 10000
   */
  timeoutMs?: number
}

/** Options of one call. */
export interface RequestOptions {
  /** Cancels the request; the call then rejects. */
  signal?: AbortSignal
}

/** Options of {@link fetchLoginConfig}. */
export interface GetConfigOptions extends RequestOptions {
  /** Tenant hint for a backend that serves several corps. */
  corpId?: string
  /** Name of the login instance on a backend with several. */
  instance?: string
}

/** Input of {@link DingTalkLoginClient.getLoginCode}, the element-style single entry point. */
export interface GetLoginCodeInput {
  /** The QR authCode or the workbench free-login code. */
  code: string
  /** Which flow the code comes from. */
  loginType: LoginType
  platform: LoginPlatform
  /** Required for `qr`: the config's state. */
  state?: string
  /** Required for `workbench`. */
  corpId?: string
}

/** Typed calls to the backend's DingTalk routes. Every failure is a {@link DingTalkLoginError}. */
export interface DingTalkLoginClient<TResult = DingTalkLoginResult> {
  /** `GET {endpoint}/config`; the backend also sets the state cookie. */
  getConfig(options?: GetConfigOptions): Promise<DingTalkLoginConfig>
  /** `POST {endpoint}/login/qr`. */
  loginWithQrCode(input: QrCodeExchange, options?: RequestOptions): Promise<TResult>
  /** `POST {endpoint}/login/workbench`. */
  loginWithWorkbenchCode(input: WorkbenchCodeExchange, options?: RequestOptions): Promise<TResult>
  /** Exchanges either kind of code, picking the route by `loginType`. */
  getLoginCode(input: GetLoginCodeInput): Promise<TResult>
  /** `GET {endpoint}/session`: the signed-in user, or `null` when the backend answers 401. */
  getSession(options?: RequestOptions): Promise<DingTalkSession | null>
  /** `POST {endpoint}/logout`: ends this browser's session. */
  logout(options?: RequestOptions): Promise<void>
}

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** The backend's `{ error: { code, message, requestId } }`, keeping only strings whatever a broken backend sends. */
function toServerError(path: string, status: number, body: unknown): DingTalkLoginError {
  const error: { code?: unknown; message?: unknown; requestId?: unknown } = Object(Object(body).error)
  return new DingTalkLoginError('exchange-failed', asString(error.message) || `${path}: HTTP ${status}`, {
    serverCode: asString(error.code),
    requestId: asString(error.requestId),
    status,
  })
}

/**
 * One JSON call with `credentials: 'include'` (the state and session cookies). Its own timeout aborts it with the
 * `timeout` code, `signal` cancels it. The backend's error body becomes `exchange-failed` with `serverCode` and
 * `requestId`; a failed request (network, no JSON) `exchange-failed` too. A 204 resolves with `undefined`.
 */
export async function request<T>(
  options: DingTalkLoginClientOptions & RequestOptions,
  path: string,
  body?: object,
): Promise<T> {
  const { endpoint = DEFAULT_ENDPOINT, locale, signal, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS } = options
  const controller = new AbortController()
  const abort = () => controller.abort()
  let timedOut = false
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true
          abort()
        }, timeoutMs)
      : undefined
  if (signal) signal.addEventListener('abort', abort)
  if (signal && signal.aborted) abort()
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (locale) headers['Accept-Language'] = locale
  if (body) headers['Content-Type'] = 'application/json'
  try {
    // Looked up at call time, never captured at import; inside the `try`, so that a missing `fetch` is a
    // DingTalkLoginError too.
    const send = options.fetch || fetch
    const response = await send(endpoint.replace(/\/+$/, '') + path, {
      method: body ? 'POST' : 'GET',
      headers,
      body: body && JSON.stringify(body),
      credentials: 'include',
      signal: controller.signal,
    })
    if (response.status === 204) return undefined as T
    const data: unknown = await response.json().catch(() => null)
    if (timedOut) throw new Error('aborted')
    if (!response.ok || data === null) throw toServerError(path, response.status, data)
    return data as T
  } catch (error) {
    throw timedOut
      ? new DingTalkLoginError('timeout', `${path}: no answer in ${timeoutMs} ms`, { cause: error })
      : toDingTalkLoginError(error, 'exchange-failed')
  } finally {
    clearTimeout(timer)
    if (signal) signal.removeEventListener('abort', abort)
  }
}

/**
 * The first `/config` call of each `fetch`. The backend binds every state to one browser cookie that the first
 * answer sets; two calls that start together before it exists (two QR codes on one page) would each get a
 * cookie of their own, and the later one voids the other's state. So the first call runs alone, the rest after it.
 */
const firstConfigCalls = new WeakMap<object, Promise<unknown>>()

/** `GET {endpoint}/config`: the login config; the backend also sets the state cookie. */
export async function fetchLoginConfig(
  options: DingTalkLoginClientOptions & GetConfigOptions = {},
): Promise<DingTalkLoginConfig> {
  const query = new URLSearchParams()
  if (options.corpId) query.set('corpId', options.corpId)
  if (options.instance) query.set('instance', options.instance)
  const search = query.toString()
  const path = search ? `/config?${search}` : '/config'
  // Undefined only where there is no `fetch` at all: then the call fails in `request`, typed.
  const fetcher: FetchLike | undefined = options.fetch || globalThis.fetch
  const firstCall = fetcher && firstConfigCalls.get(fetcher)
  const call = firstCall
    ? firstCall.then(() => request<DingTalkLoginConfig>(options, path))
    : request<DingTalkLoginConfig>(options, path)
  if (fetcher && !firstCall)
    firstConfigCalls.set(
      fetcher,
      call.catch(() => undefined),
    )
  const config = await call
  // Every value the QR login needs, so that a broken backend fails here, typed, not in the vendor script.
  const required = [
    config.state,
    config.scriptSrc,
    config.appKey,
    config.redirectUri,
    config.scope,
    config.loginOrigin,
  ]
  if (!required.every(Boolean)) throw new DingTalkLoginError('exchange-failed', 'bad config')
  return config
}

/** `POST {endpoint}/login/qr { code, state, platform }`: the login result. */
export function exchangeQrCode<TResult = DingTalkLoginResult>(
  input: QrCodeExchange,
  options: DingTalkLoginClientOptions & RequestOptions = {},
): Promise<TResult> {
  return request(options, '/login/qr', input)
}

/** `POST {endpoint}/login/workbench { corpId, authCode, platform }`: the login result. */
export function exchangeWorkbenchCode<TResult = DingTalkLoginResult>(
  input: WorkbenchCodeExchange,
  options: DingTalkLoginClientOptions & RequestOptions = {},
): Promise<TResult> {
  return request(options, '/login/workbench', input)
}

/** `GET {endpoint}/session`: the signed-in user, or `null` for any 401 (no session, or an ended one). */
export function fetchSession(
  options: DingTalkLoginClientOptions & RequestOptions = {},
): Promise<DingTalkSession | null> {
  return request<DingTalkSession>(options, '/session').catch((error: DingTalkLoginError) => {
    // The server says `unauthenticated` (older ones `code_invalid`): any 401 means no session.
    if (error.status === 401) return null
    throw error
  })
}

/** `POST {endpoint}/logout`: ends this browser's session. */
export async function logout(options: DingTalkLoginClientOptions & RequestOptions = {}): Promise<void> {
  await request(options, '/logout', {})
}

/** The backend's DingTalk routes as one object bound to `options`. */
export function createDingTalkLoginClient<TResult = DingTalkLoginResult>(
  options: DingTalkLoginClientOptions = {},
): DingTalkLoginClient<TResult> {
  const client: DingTalkLoginClient<TResult> = {
    getConfig: (config) => fetchLoginConfig({ ...options, ...config }),
    loginWithQrCode: (input, call) => exchangeQrCode<TResult>(input, { ...options, ...call }),
    loginWithWorkbenchCode: (input, call) => exchangeWorkbenchCode<TResult>(input, { ...options, ...call }),
    getLoginCode({ code, loginType, platform, state, corpId }) {
      if (loginType === 'workbench') {
        if (!corpId)
          return Promise.reject(new DingTalkLoginError('environment', 'Workbench login needs a corpId'))
        return client.loginWithWorkbenchCode({ corpId, authCode: code, platform })
      }
      if (!state) return Promise.reject(new DingTalkLoginError('state-mismatch', 'QR login needs the state'))
      return client.loginWithQrCode({ code, state, platform })
    },
    getSession: (call) => fetchSession({ ...options, ...call }),
    logout: (call) => logout({ ...options, ...call }),
  }
  return client
}
