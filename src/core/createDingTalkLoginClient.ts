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

/** Options of {@link createDingTalkLoginClient}. */
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

/** Options of {@link DingTalkLoginClient.getConfig}. */
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function toConfig(body: unknown): DingTalkLoginConfig {
  const required = ['appKey', 'state', 'redirectUri', 'scope', 'loginOrigin', 'scriptSrc'] as const
  if (!isRecord(body) || required.some((key) => typeof body[key] !== 'string' || body[key] === '')) {
    throw new DingTalkLoginError('exchange-failed', 'The login server answered an incomplete config')
  }
  return body as unknown as DingTalkLoginConfig
}

/**
 * The client for the backend's DingTalk routes: `credentials: 'include'` (the state and session cookies), JSON in
 * and out, and the backend's `{ error: { code, message, requestId } }` turned into a
 * `DingTalkLoginError('exchange-failed')` carrying `serverCode` and `requestId`.
 */
export function createDingTalkLoginClient<TResult = DingTalkLoginResult>(
  options: DingTalkLoginClientOptions = {},
): DingTalkLoginClient<TResult> {
  const { endpoint = DEFAULT_ENDPOINT, locale, timeoutMs = 15_000 } = options
  // Late-bound: a polyfill or test double installed after this module loaded is still used.
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init))
  const base = endpoint.replace(/\/+$/, '')

  async function request(path: string, init: RequestInit, signal?: AbortSignal): Promise<unknown> {
    const controller = new AbortController()
    let timedOut = false
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true
            controller.abort()
          }, timeoutMs)
        : undefined
    const onAbort = () => controller.abort()
    if (signal?.aborted) controller.abort()
    signal?.addEventListener('abort', onAbort)
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (locale) headers['Accept-Language'] = locale
    if (init.body !== undefined) headers['Content-Type'] = 'application/json'
    try {
      let response: Response
      let text: string
      try {
        response = await doFetch(`${base}${path}`, {
          ...init,
          headers,
          credentials: 'include',
          signal: controller.signal,
        })
        text = await response.text()
      } catch (cause) {
        if (timedOut) {
          throw new DingTalkLoginError('timeout', `The login server did not answer within ${timeoutMs} ms`, {
            cause,
          })
        }
        throw new DingTalkLoginError('exchange-failed', 'The login server could not be reached', { cause })
      }
      let body: unknown
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch (cause) {
        body = undefined
        if (response.ok) {
          throw new DingTalkLoginError('exchange-failed', 'The login server answered no JSON', { cause })
        }
      }
      if (!response.ok) {
        const error = isRecord(body) && isRecord(body.error) ? body.error : undefined
        const serverCode = typeof error?.code === 'string' ? error.code : undefined
        const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`
        const requestId = typeof error?.requestId === 'string' ? error.requestId : undefined
        throw new DingTalkLoginError('exchange-failed', message, { serverCode, requestId })
      }
      return body
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  const post = (path: string, body: object) =>
    request(path, { method: 'POST', body: JSON.stringify(body) }) as Promise<TResult>

  const client: DingTalkLoginClient<TResult> = {
    async getConfig({ corpId, instance, signal } = {}) {
      const query = new URLSearchParams()
      if (corpId) query.set('corpId', corpId)
      if (instance) query.set('instance', instance)
      const search = query.toString()
      return toConfig(await request(`/config${search ? `?${search}` : ''}`, { method: 'GET' }, signal))
    },
    loginWithQrCode: ({ code, state, platform }) => post('/login/qr', { code, state, platform }),
    loginWithWorkbenchCode: ({ corpId, authCode, platform }) =>
      post('/login/workbench', { corpId, authCode, platform }),
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
