/**
 * Framework-free fakes of DingTalk's browser side and of the backend, for unit tests and Storybook stories
 * (style.md T3). Nothing here touches the network.
 *
 * - {@link createFakeQrSdk}: a `DTFrameLogin` that behaves like `ddlogin.js` 0.21.0 (builds the iframe URL from
 *   the values verbatim, adds a never-removed `message` listener per call, parses the result without decoding)
 *   and lets the test emit what the login iframe posts.
 * - {@link createFakeBridge}: a `DingTalkBridge` whose `requestAuthCode` resolves, rejects or hangs.
 * - {@link createFakeBackend}: a `fetch` that answers the backend routes of `design.md` §4.2 like the real
 *   server (state checked, codes single use, errors as `{ error: { code, message } }`).
 */
import type {
  DTFrameLogin,
  DingTalkBridge,
  DingTalkEnv,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  IDTLoginFrameParams,
  IDTLoginLoginParams,
  IDTLoginSuccess,
  RequestAuthCodeOptions,
} from 'react-dingtalk-login/core'

/** A promise with its settle functions exposed, for in-between states. */
export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(reason: unknown): void
}

/** Creates a {@link Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A function whose promise never settles: keeps a component in a loading state. */
export function pending<T = never>(): () => Promise<T> {
  return () => new Promise<T>(() => {})
}

/** The origin the fake login iframe posts from, as DingTalk's does. */
export const FAKE_LOGIN_ORIGIN = 'https://login.dingtalk.com'

/**
 * The page's own origin: a backend's `redirectUri` must be on it (or the QR login ends in `origin-mismatch`).
 * `https://app.example` where there is no page (SSR tests).
 */
export const pageOrigin = () => (typeof location === 'undefined' ? 'https://app.example' : location.origin)

/** A login config as the backend would answer it for this page. */
export function fakeConfig(overrides: Partial<DingTalkLoginConfig> = {}): DingTalkLoginConfig {
  return {
    appKey: 'dingfakeappkey000001',
    state: 'st&te #1',
    redirectUri: `${pageOrigin()}/login/callback?from=qr`,
    scope: 'openid corpid',
    loginOrigin: FAKE_LOGIN_ORIGIN,
    scriptSrc: 'https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js',
    ...overrides,
  }
}

/** A login result as the backend would answer it. */
export function fakeLoginResult(overrides: Partial<DingTalkLoginResult> = {}): DingTalkLoginResult {
  return {
    userId: 'u_1',
    isNewUser: false,
    binding: {
      corpId: 'dingcorp0000000000001',
      dingUserId: '0138271',
      unionId: 'uN10nIdiE',
      jobNumber: 'E001',
      phone: null,
      email: 'zhang.san@example.test',
      hiredDate: null,
      photo: null,
    },
    user: { id: 'u_1', name: '张三', avatar: null },
    session: { token: 'session-token', expiresAt: '2030-01-01T00:00:00.000Z' },
    ...overrides,
  }
}

/** One recorded `DTFrameLogin` call. */
export interface FakeQrCall {
  frameParams: IDTLoginFrameParams
  loginParams: IDTLoginLoginParams
  /** The iframe URL the vendor script would set: values appended verbatim. */
  src: string
  /** The iframe it put into the container, or `undefined` when it failed. */
  iframe: HTMLIFrameElement | undefined
}

/** A fake `ddlogin.js`. */
export interface FakeQrSdk {
  /** The fake `window.DTFrameLogin`. */
  DTFrameLogin: DTFrameLogin
  /** A `loadSdk` that resolves with {@link FakeQrSdk.DTFrameLogin}; records its options in `loads`. */
  loadSdk: (options?: unknown) => Promise<DTFrameLogin>
  /** Options `loadSdk` was called with. */
  loads: unknown[]
  /** Every `DTFrameLogin` call. */
  calls: FakeQrCall[]
  /** The `message` listeners the fake added to `window` (never removed, like the vendor's). */
  listeners: ((event: MessageEvent) => void)[]
  /** How many times any of those listeners received a message: shows listeners leaking from old calls. */
  deliveries: number
  /**
   * Posts a successful scan as the login iframe does. `state` defaults to the one of the last call (decoded, then
   * encoded again in the redirect URL, as DingTalk echoes it); `authCode` is put into the URL percent-encoded.
   */
  emitScan(authCode: string, options?: { state?: string; origin?: string }): void
  /** Posts a failure: `{ success: false, errorMsg, errorCode }`. */
  emitFailure(errorMsg: string, errorCode?: number): void
  /** Posts a status message without `success`: the vendor script turns it into `errorCbk(undefined)`. */
  emitEmpty(): void
  /** Dispatches any `message` event on `window`. */
  emitRaw(data: unknown, origin?: string): void
  /** Dispatches a `message` event whose `source` is the last call's iframe, as a real frame's post has. */
  emitFromFrame(data: unknown, origin: string): void
}

function readParam(url: string, name: string): string {
  // Same rule as ddlogin.js: text after "?name=" or "&name=" up to the next "&", not decoded.
  const match = new RegExp(`[?&]${name}=([^&]*)`).exec(url)
  return match?.[1] ?? ''
}

/** Creates a {@link FakeQrSdk}. `loginOrigin` is the origin whose messages the fake accepts. */
export function createFakeQrSdk(options: { loginOrigin?: string } = {}): FakeQrSdk {
  const loginOrigin = options.loginOrigin ?? FAKE_LOGIN_ORIGIN
  const calls: FakeQrCall[] = []
  const listeners: ((event: MessageEvent) => void)[] = []
  const loads: unknown[] = []

  const DTFrameLogin: DTFrameLogin = (frameParams, loginParams, successCbk, errorCbk) => {
    const keys = ['redirect_uri', 'response_type', 'client_id', 'scope'] as const
    const optional = ['prompt', 'state', 'org_type', 'corpId', 'exclusiveLogin', 'exclusiveCorpId'] as const
    let src = `${loginOrigin}/oauth2/auth?iframe=true`
    for (const key of keys) src += `&${key}=${loginParams[key]}`
    for (const key of optional) if (loginParams[key]) src += `&${key}=${loginParams[key]}`
    const call: FakeQrCall = { frameParams, loginParams, src, iframe: undefined }
    calls.push(call)
    const container = frameParams.id ? document.getElementById(frameParams.id) : null
    if (keys.some((key) => !loginParams[key])) return errorCbk?.('Missing parameters')
    if (!container) return errorCbk?.('Element not found')
    const iframe = document.createElement('iframe')
    container.innerHTML = ''
    container.appendChild(iframe)
    iframe.src = src
    iframe.width = String(frameParams.width ?? 300)
    iframe.height = String(frameParams.height ?? 300)
    call.iframe = iframe
    const listener = (event: MessageEvent) => {
      fake.deliveries++
      if (!/login.dingtalk.com/.test(event.origin) && event.origin !== loginOrigin) return
      const data = event.data as { success?: boolean; redirectUrl?: string; errorMsg?: string } | null
      if (!data) return
      if (data.success && data.redirectUrl) {
        const result: IDTLoginSuccess = {
          redirectUrl: data.redirectUrl,
          authCode: readParam(data.redirectUrl, 'authCode'),
          state: readParam(data.redirectUrl, 'state'),
        }
        if (result.authCode) successCbk(result)
        else errorCbk?.(readParam(data.redirectUrl, 'error'))
      } else {
        errorCbk?.(data.errorMsg)
      }
    }
    listeners.push(listener)
    window.addEventListener('message', listener)
    return iframe
  }

  const emitRaw = (data: unknown, origin = loginOrigin) => {
    window.dispatchEvent(new MessageEvent('message', { data, origin }))
  }

  const fake: FakeQrSdk = {
    DTFrameLogin,
    deliveries: 0,
    loads,
    loadSdk: (opts) => {
      loads.push(opts)
      return Promise.resolve(DTFrameLogin)
    },
    calls,
    listeners,
    emitScan(authCode, { state, origin } = {}) {
      const last = calls[calls.length - 1]
      const lastState = last?.loginParams.state ? decodeURIComponent(last.loginParams.state) : ''
      const redirect = last ? decodeURIComponent(last.loginParams.redirect_uri) : 'https://app.example/cb'
      const separator = redirect.includes('?') ? '&' : '?'
      const redirectUrl = `${redirect}${separator}authCode=${encodeURIComponent(authCode)}&state=${encodeURIComponent(state ?? lastState)}`
      emitRaw({ success: true, redirectUrl }, origin)
    },
    emitFailure(errorMsg, errorCode = 11055) {
      emitRaw({ success: false, errorMsg, errorCode })
    },
    emitEmpty() {
      emitRaw({ type: 'status', ready: true })
    },
    emitRaw,
    emitFromFrame(data, origin) {
      const source = calls[calls.length - 1]?.iframe?.contentWindow ?? null
      window.dispatchEvent(new MessageEvent('message', { data, origin, source }))
    },
  }
  return fake
}

/** How a {@link FakeBridge} answers `requestAuthCode`. */
export type FakeBridgeMode =
  | { kind: 'resolve'; code: string }
  | { kind: 'reject'; error: unknown }
  | { kind: 'hang' }
  | { kind: 'manual' }

/** A fake DingTalk JS bridge. */
export interface FakeBridge {
  bridge: DingTalkBridge
  /** Options of every `requestAuthCode` call. */
  calls: RequestAuthCodeOptions[]
  /** Settles for calls made in `manual` mode, in call order. */
  requests: Deferred<string>[]
  /** Changes how later calls answer. */
  setMode(mode: FakeBridgeMode): void
}

/**
 * Creates a {@link FakeBridge}. `env` defaults to an iOS DingTalk 7.6.0; `mode` to resolving with `'bridge-code'`.
 * Rejections use the container's error shape, e.g. `{ errorCode: '7', errorMessage: 'no permission' }`.
 */
export function createFakeBridge(
  options: { env?: Partial<DingTalkEnv>; mode?: FakeBridgeMode } = {},
): FakeBridge {
  const env: DingTalkEnv = { platform: 'ios', inDingTalk: true, version: '7.6.0', ...options.env }
  if (env.platform === 'not-in-dingtalk') env.inDingTalk = false
  let mode: FakeBridgeMode = options.mode ?? { kind: 'resolve', code: 'bridge-code' }
  const calls: RequestAuthCodeOptions[] = []
  const requests: Deferred<string>[] = []
  return {
    calls,
    requests,
    setMode(next) {
      mode = next
    },
    bridge: {
      getEnv: () => env,
      requestAuthCode(request) {
        calls.push(request)
        if (mode.kind === 'resolve') return Promise.resolve(mode.code)
        if (mode.kind === 'reject') return Promise.reject(mode.error)
        if (mode.kind === 'hang') return new Promise<string>(() => {})
        const request$ = deferred<string>()
        requests.push(request$)
        return request$.promise
      },
    },
  }
}

/** One request the fake backend received. */
export interface FakeBackendRequest {
  method: string
  /** Path after the endpoint, e.g. `/config?corpId=x`. */
  path: string
  body: unknown
  init: RequestInit
}

/** An error answer of the fake backend. */
export interface FakeBackendError {
  status: number
  code: string
  message: string
  requestId?: string
}

/** A fake backend. */
export interface FakeBackend {
  /** Pass as `fetch`. */
  fetch: (input: string, init: RequestInit) => Promise<Response>
  requests: FakeBackendRequest[]
  /** The config the next `/config` answers (its `state` changes on every call). */
  config: DingTalkLoginConfig
  /** Whether the browser has a session: set by a login, cleared by `POST /logout`. */
  signedIn: boolean
  /** Makes the next answers of `route` an error, until cleared with `undefined`. */
  failRoute(route: FakeBackendRoute, error: FakeBackendError | undefined): void
  /** Delays answers of `route` until the returned function is called. */
  holdRoute(route: FakeBackendRoute): () => void
}

/** The routes of the fake backend. */
export type FakeBackendRoute = '/config' | '/login/qr' | '/login/workbench' | '/session' | '/logout'

function randomState(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Creates a {@link FakeBackend} for `endpoint` (default `/api/auth/dingtalk`). It hands out a fresh random
 * `state` per `/config`, accepts each code once (a second use answers `401 code_invalid`), checks the QR
 * `state` (`400 invalid_state`) and answers `result` for logins, which sign the browser in for `GET /session`
 * (`401 unauthenticated` otherwise) until `POST /logout` (`204`).
 */
export function createFakeBackend(
  options: { endpoint?: string; config?: Partial<DingTalkLoginConfig>; result?: DingTalkLoginResult } = {},
): FakeBackend {
  const endpoint = (options.endpoint ?? '/api/auth/dingtalk').replace(/\/+$/, '')
  const result = options.result ?? fakeLoginResult()
  const requests: FakeBackendRequest[] = []
  const failures = new Map<string, FakeBackendError>()
  const holds = new Map<string, Promise<void>>()
  const usedCodes = new Set<string>()
  const states = new Set<string>()
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  const error = (e: FakeBackendError) =>
    json(e.status, { error: { code: e.code, message: e.message, requestId: e.requestId } })

  const backend: FakeBackend = {
    requests,
    signedIn: false,
    config: fakeConfig(options.config),
    failRoute(route, e) {
      if (e) failures.set(route, e)
      else failures.delete(route)
    },
    holdRoute(route) {
      const gate = deferred<void>()
      holds.set(route, gate.promise)
      return () => {
        holds.delete(route)
        gate.resolve()
      }
    },
    async fetch(input, init) {
      if (!input.startsWith(endpoint))
        return json(404, { error: { code: 'not_found', message: 'Not found' } })
      const path = input.slice(endpoint.length)
      const route = path.split('?')[0]!
      const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined
      requests.push({ method: init.method ?? 'GET', path, body, init })
      await holds.get(route)
      if (init.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError')
      const failure = failures.get(route)
      if (failure) return error(failure)
      if (route === '/config' && (init.method ?? 'GET') === 'GET') {
        backend.config = { ...backend.config, state: randomState() }
        states.add(backend.config.state)
        return json(200, backend.config)
      }
      const input$ = (body ?? {}) as Record<string, unknown>
      if (route === '/login/qr' && init.method === 'POST') {
        if (typeof input$.state !== 'string' || !states.has(input$.state)) {
          return error({ status: 400, code: 'invalid_state', message: 'Login state invalid' })
        }
        states.delete(input$.state)
        return exchange(input$.code)
      }
      if (route === '/login/workbench' && init.method === 'POST') return exchange(input$.authCode)
      if (route === '/session' && (init.method ?? 'GET') === 'GET') {
        if (!backend.signedIn)
          return error({ status: 401, code: 'unauthenticated', message: 'Not signed in' })
        return json(200, { user: result.user, binding: result.binding })
      }
      if (route === '/logout' && init.method === 'POST') {
        backend.signedIn = false
        return new Response(null, { status: 204 })
      }
      return error({ status: 404, code: 'not_found', message: 'Not found' })
    },
  }
  function exchange(code: unknown): Response {
    if (typeof code !== 'string' || usedCodes.has(code)) {
      return error({ status: 401, code: 'code_invalid', message: 'Code invalid', requestId: 'req-1' })
    }
    usedCodes.add(code)
    backend.signedIn = true
    return json(200, result)
  }
  return backend
}
