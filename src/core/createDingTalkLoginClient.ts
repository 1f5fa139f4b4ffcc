import { DingTalkLoginError } from './DingTalkLoginError'
import type {
  DingTalkLocale,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  LoginPlatform,
  LoginType,
  QrCodeExchange,
  WorkbenchCodeExchange,
} from './types'

/** The backend's base path when none is given (`design.md` §4.2). */
export const DEFAULT_ENDPOINT = '/api/auth/dingtalk'

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
   * Abort a request after this many milliseconds (rejects with the `timeout` code); `0` disables.
   * @default 15000
   */
  timeoutMs?: number
}

/** Options of {@link fetchLoginConfig}. */
export interface GetConfigOptions {
  /** Tenant hint for a backend that serves several corps. */
  corpId?: string
  /** Name of the login instance on a backend with several. */
  instance?: string
  /** Cancels the request. */
  signal?: AbortSignal
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

/** Typed calls to the backend routes of `design.md` §4.2. Every failure is a {@link DingTalkLoginError}. */
export interface DingTalkLoginClient<TResult = DingTalkLoginResult> {
  /** `GET {endpoint}/config`; the backend also sets the state cookie. */
  getConfig(options?: GetConfigOptions): Promise<DingTalkLoginConfig>
  /** `POST {endpoint}/login/qr`. */
  loginWithQrCode(input: QrCodeExchange): Promise<TResult>
  /** `POST {endpoint}/login/workbench`. */
  loginWithWorkbenchCode(input: WorkbenchCodeExchange): Promise<TResult>
  /** Exchanges either kind of code, picking the route by `loginType`. */
  getLoginCode(input: GetLoginCodeInput): Promise<TResult>
}

type Json = Record<string, unknown> | undefined

/**
 * One JSON call: `credentials: 'include'` (the state and session cookies), the backend's
 * `{ error: { code, message, requestId } }` turned into `DingTalkLoginError('exchange-failed')` with `serverCode`
 * and `requestId`, network failures into `exchange-failed`, a timeout into `timeout`.
 */
async function call(
  path: string,
  body: object | undefined,
  options: DingTalkLoginClientOptions & { signal?: AbortSignal },
): Promise<Json> {
  const { endpoint = DEFAULT_ENDPOINT, locale, timeoutMs = 15_000, signal } = options
  const controller = new AbortController()
  const abort = () => controller.abort()
  const timer = timeoutMs > 0 ? setTimeout(abort, timeoutMs) : 0
  if (signal) {
    if (signal.aborted) abort()
    signal.addEventListener('abort', abort)
  }
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (locale) headers['Accept-Language'] = locale
  if (body) headers['Content-Type'] = 'application/json'
  let response: Response | undefined
  let data: Json
  try {
    // Late-bound: a polyfill or test double installed after this module loaded is still used.
    response = await (options.fetch || fetch)(endpoint.replace(/\/+$/, '') + path, {
      method: body ? 'POST' : 'GET',
      headers,
      body: body && JSON.stringify(body),
      credentials: 'include',
      signal: controller.signal,
    })
    data = (await response.json()) as Json
  } catch (cause) {
    const aborted = controller.signal.aborted
    if (!response || aborted || response.ok) {
      const code = aborted && !(signal && signal.aborted) ? 'timeout' : 'exchange-failed'
      throw new DingTalkLoginError(
        code,
        response ? 'Login server sent no JSON' : 'Login server unreachable',
        {
          cause,
        },
      )
    }
  } finally {
    clearTimeout(timer)
    if (signal) signal.removeEventListener('abort', abort)
  }
  if (!response.ok) {
    const error = Object(data && data.error) as Record<string, unknown>
    const text = (key: string) => (typeof error[key] === 'string' ? (error[key] as string) : undefined)
    throw new DingTalkLoginError('exchange-failed', text('message') || `HTTP ${response.status}`, {
      serverCode: text('code'),
      requestId: text('requestId'),
    })
  }
  return data
}

/** `GET {endpoint}/config`: the login config; the backend also sets the state cookie. */
export async function fetchLoginConfig(
  options: DingTalkLoginClientOptions & GetConfigOptions = {},
): Promise<DingTalkLoginConfig> {
  let query = ''
  for (const key of ['corpId', 'instance'] as const) {
    const value = options[key]
    if (value) query += `${query ? '&' : '?'}${key}=${encodeURIComponent(value)}`
  }
  const config = await call(`/config${query}`, undefined, options)
  const required = ['appKey', 'state', 'redirectUri', 'scope', 'loginOrigin', 'scriptSrc']
  if (!config || required.some((key) => !config[key] || typeof config[key] !== 'string')) {
    throw new DingTalkLoginError('exchange-failed', 'Login server sent an incomplete config')
  }
  return config as unknown as DingTalkLoginConfig
}

/** `POST {endpoint}/login/qr { code, state, platform }`: the login result. */
export function exchangeQrCode<TResult = DingTalkLoginResult>(
  { code, state, platform }: QrCodeExchange,
  options: DingTalkLoginClientOptions = {},
): Promise<TResult> {
  return call('/login/qr', { code, state, platform }, options) as Promise<TResult>
}

/** `POST {endpoint}/login/workbench { corpId, authCode, platform }`: the login result. */
export function exchangeWorkbenchCode<TResult = DingTalkLoginResult>(
  { corpId, authCode, platform }: WorkbenchCodeExchange,
  options: DingTalkLoginClientOptions = {},
): Promise<TResult> {
  return call('/login/workbench', { corpId, authCode, platform }, options) as Promise<TResult>
}

/** The backend routes of `design.md` §4.2 as one object bound to `options`. */
export function createDingTalkLoginClient<TResult = DingTalkLoginResult>(
  options: DingTalkLoginClientOptions = {},
): DingTalkLoginClient<TResult> {
  const client: DingTalkLoginClient<TResult> = {
    getConfig: (config) => fetchLoginConfig({ ...options, ...config }),
    loginWithQrCode: (input) => exchangeQrCode<TResult>(input, options),
    loginWithWorkbenchCode: (input) => exchangeWorkbenchCode<TResult>(input, options),
    getLoginCode({ code, loginType, platform, state, corpId }) {
      if (loginType === 'workbench') {
        if (!corpId)
          return Promise.reject(new DingTalkLoginError('environment', 'Workbench login needs a corpId'))
        return client.loginWithWorkbenchCode({ corpId, authCode: code, platform })
      }
      if (!state) return Promise.reject(new DingTalkLoginError('state-mismatch', 'QR login needs the state'))
      return client.loginWithQrCode({ code, state, platform })
    },
  }
  return client
}
