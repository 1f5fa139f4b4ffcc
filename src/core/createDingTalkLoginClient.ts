import { DingTalkLoginError } from './DingTalkLoginError'
import { toDingTalkLoginError } from './toDingTalkLoginError'
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

/**
 * One JSON call: `credentials: 'include'` (the state and session cookies), the backend's
 * `{ error: { code, message, requestId } }` turned into `DingTalkLoginError('exchange-failed')` with `serverCode`
 * and `requestId` (strings only), a failed request (network, no JSON) into `exchange-failed` too. No timeout of
 * its own: the stores' deadline covers it and ignores a late answer. Internal: the stores call it for their default
 * exchange.
 */
export async function request<T>(
  {
    endpoint = DEFAULT_ENDPOINT,
    locale,
    fetch: f = fetch,
    signal,
  }: DingTalkLoginClientOptions & GetConfigOptions,
  path: string,
  body?: object,
): Promise<T> {
  // A default parameter: `fetch` is looked up at call time, never captured at import.
  const response = await f(endpoint.replace(/\/+$/, '') + path, {
    method: body && 'POST', // else fetch's GET
    headers: {
      Accept: 'application/json',
      ...(locale && { 'Accept-Language': locale }),
      ...(body && { 'Content-Type': 'application/json' }),
    },
    body: body && JSON.stringify(body),
    credentials: 'include',
    signal,
  }).catch((cause: unknown) => {
    throw toDingTalkLoginError(cause, 'exchange-failed')
  })
  const data = await response.json().catch(() => 0)
  if (!response.ok || !data) {
    const { code, message, requestId } = Object(data && data.error)
    // Only strings from the error body, whatever a broken backend sends (a string is its own `'' + value`).
    const text = (value: unknown) => (value === '' + value ? value : undefined)
    throw new DingTalkLoginError('exchange-failed', text(message) || 'HTTP ' + response.status, {
      serverCode: text(code),
      requestId: text(requestId),
    })
  }
  return data as T
}

/** `GET {endpoint}/config`: the login config; the backend also sets the state cookie. */
export async function fetchLoginConfig(
  options: DingTalkLoginClientOptions & GetConfigOptions = {},
): Promise<DingTalkLoginConfig> {
  // JSON drops the unset ones.
  const query =
    '' +
    new URLSearchParams(JSON.parse(JSON.stringify({ corpId: options.corpId, instance: options.instance })))
  const config = await request<DingTalkLoginConfig>(options, '/config' + (query && '?' + query))
  // Every value the QR login needs, so that a broken backend fails here, typed, not in the vendor script.
  if (!(
    config.state &&
    config.scriptSrc &&
    config.appKey &&
    config.redirectUri &&
    config.scope &&
    config.loginOrigin
  ))
    throw new DingTalkLoginError('exchange-failed', 'bad config')
  return config
}

/** `POST {endpoint}/login/qr { code, state, platform }`: the login result. */
export function exchangeQrCode<TResult = DingTalkLoginResult>(
  input: QrCodeExchange,
  options: DingTalkLoginClientOptions = {},
): Promise<TResult> {
  return request(options, '/login/qr', input)
}

/** `POST {endpoint}/login/workbench { corpId, authCode, platform }`: the login result. */
export function exchangeWorkbenchCode<TResult = DingTalkLoginResult>(
  input: WorkbenchCodeExchange,
  options: DingTalkLoginClientOptions = {},
): Promise<TResult> {
  return request(options, '/login/workbench', input)
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
