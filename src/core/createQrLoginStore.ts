import { createStore, type StoreApi } from 'zustand/vanilla'
import type { DingTalkLoginError } from './DingTalkLoginError'
import { createLoginFlow } from './createLoginFlow'
import { checkPageOrigin } from './checkPageOrigin'
import { exchangeQrCode, fetchLoginConfig } from './createDingTalkLoginClient'
import type { FetchLike } from './createDingTalkLoginClient'
import { loadScript } from './loadQrLoginSdk'
import type { LoadQrLoginSdkOptions } from './loadQrLoginSdk'
import { mountQrFrame } from './mountQrFrame'
import { preconnect } from './preloadQrLogin'
import type {
  DingTalkLocale,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  LoginPlatform,
  QrCodeExchange,
} from './types'
import type { DTFrameLogin } from './vendor'

/** Named states of the QR login, shown as `data-state`. */
export type QrLoginStatus =
  'idle' | 'loading-config' | 'loading-script' | 'waiting-for-scan' | 'exchanging' | 'success' | 'error'

/**
 * The vendor side effects of the QR login, each with a default, so that tests and stories can pass fakes. Read on
 * every use, so a function that returns them may hand out the latest ones.
 */
export interface QrLoginDeps<TResult = DingTalkLoginResult> {
  /**
   * Fetches the login config.
   * @default `GET {endpoint}/config` ({@link fetchLoginConfig})
   */
  fetchConfig?: (options: { corpId?: string; signal: AbortSignal }) => Promise<DingTalkLoginConfig>
  /**
   * Loads `ddlogin.js` and resolves with `DTFrameLogin`. Called with the `scriptSrc` option, else the config's.
   * @default an internal loader like `loadQrLoginSdk` without its CDN fallback (the URL always comes from the
   * option or the config): one memoised script tag per page, retried after a failure
   */
  loadSdk?: (options: LoadQrLoginSdkOptions) => Promise<DTFrameLogin>
  /**
   * Exchanges the scanned code for the login result. `signal` aborts it when the deadline (`sdkTimeoutMs`) passes.
   * @default `POST {endpoint}/login/qr` (`exchangeQrCode`)
   */
  exchangeCode?: (input: QrCodeExchange, options: { signal: AbortSignal }) => Promise<TResult>
  /**
   * The `fetch` of the default backend client.
   * @default globalThis.fetch, looked up at call time
   */
  fetch?: FetchLike
  /** Language of the backend's error messages (`Accept-Language`); read as each run starts, so it restarts nothing. */
  locale?: DingTalkLocale
  /** Called once with the login result. */
  onSuccess?: (result: TResult) => void
  /** Called with every failure. */
  onError?: (error: DingTalkLoginError) => void
}

/** What restarts the QR login when it changes (after an error only `retry` does); passed to `mount`. */
export interface QrLoginOptions {
  /**
   * Base URL of the backend's DingTalk routes.
   * @default '/api/auth/dingtalk'
   */
  endpoint?: string
  /** CSP nonce for the `ddlogin.js` script tag. */
  nonce?: string
  /**
   * URL of `ddlogin.js`, overriding the backend's `scriptSrc`. When given, the script loads while `GET /config` is
   * in flight instead of after it, so the QR code shows sooner.
   * @default the config's `scriptSrc`
   */
  scriptSrc?: string
  /** Corp hint: sent to `/config` and preselected on the login page. */
  corpId?: string
  /**
   * Width of the QR iframe in pixels.
   * @default 300
   */
  width?: number
  /**
   * Height of the QR iframe in pixels.
   * @default 300
   */
  height?: number
  /**
   * Sent with the code.
   * @default 'web'
   */
  platform?: LoginPlatform
  /**
   * Fetch a new config and QR code this often while waiting for a scan, before the backend's state (10 min)
   * expires; `0` never refreshes.
   * @default 540000
   */
  refreshIntervalMs?: number
  /**
   * Give up after this many milliseconds, with the `timeout` code: one deadline for fetching the config and
   * loading `ddlogin.js` together, and again for the exchange of a scanned code; `0` waits forever. Each backend
   * call also has its own timeout (`requestTimeoutMs`).
   * @default 15000
   */
  sdkTimeoutMs?: number
  /**
   * Give up on one backend call (`GET /config`, `POST /login/qr`) after this many milliseconds, with the
   * `timeout` code; `0` waits forever.
   * @default 10000
   */
  requestTimeoutMs?: number
}

/** State and actions of one QR login. */
export interface QrLoginState<TResult = DingTalkLoginResult> {
  status: QrLoginStatus
  /** The last failure while `status` is `error`. */
  error: DingTalkLoginError | null
  /** The login result once `status` is `success`. */
  result: TResult | null
  /**
   * Starts the login in `container` (an empty element this store may fill) and returns the function that stops
   * it. The work starts on the next microtask, so a StrictMode mount–unmount–mount costs one run. After the
   * returned function ran, the store changes no more and leaves no listener or timer behind; a later `mount`
   * resumes (a pending exchange is followed, a success or an error is kept).
   */
  mount(container: HTMLElement, options?: QrLoginOptions): () => void
  /** Fetches a new config and shows a new QR code. Ignored while exchanging, after success, or when unmounted. */
  refresh(): void
  /**
   * Starts over after an error, with the container and options of the latest `mount` (a failed script load is
   * retried with a fresh tag). Same rules as `refresh`.
   */
  retry(): void
}

/** What one run of the QR login works on. */
interface QrLoginRunArgs {
  container: HTMLElement
  options: QrLoginOptions
}

/** A store created by {@link createQrLoginStore}. */
export type QrLoginStore<TResult = DingTalkLoginResult> = StoreApi<QrLoginState<TResult>>

/**
 * One QR login: config (with `ddlogin.js` at the same time when its URL is known) → QR iframe → scan → exchange.
 * Create one per component instance; all steps, timers and error mapping live here, the React layer only
 * subscribes.
 */
export function createQrLoginStore<TResult = DingTalkLoginResult>(
  deps: QrLoginDeps<TResult> | (() => QrLoginDeps<TResult>) = {},
): QrLoginStore<TResult> {
  const getDeps = typeof deps === 'function' ? deps : () => deps

  return createStore<QrLoginState<TResult>>((set, get) => {
    const flow = createLoginFlow<TResult, QrLoginRunArgs, QrLoginState<TResult>>(
      getDeps,
      set,
      get,
      async ({ container, options }, run) => {
        const { fetchConfig = fetchLoginConfig, loadSdk = loadScript, fetch, locale } = getDeps()
        const { refreshIntervalMs = 540_000, platform = 'web', requestTimeoutMs } = options
        // The run's signal: its end (its deadline included) aborts the backend calls.
        const backend = { ...options, fetch, locale, timeoutMs: requestTimeoutMs, signal: run.signal }
        const load = (src: string) => loadSdk({ src, nonce: options.nonce, timeoutMs: options.sdkTimeoutMs })
        // With the script's URL known up front, `ddlogin.js` and the config download at the same time. The script
        // first: it must also run once in, and DingTalk's CDN is a new connection on a first visit (measured in
        // bench/qr-time: with both held alike, the script is the later of the two). Both start before the first
        // `put`, whose React render would otherwise run first.
        const earlyLoad = options.scriptSrc ? load(options.scriptSrc) : null
        // Set once the early load is in, so that the QR code follows the config at once, without a render of
        // `loading-script` in between. Its failure is reported below, where it is awaited.
        // (A cast, not a type annotation: TypeScript would take the variable to stay `null`.)
        let loadedEarly = null as DTFrameLogin | null
        if (earlyLoad)
          earlyLoad.then(
            (sdk) => {
              loadedEarly = sdk
            },
            () => undefined,
          )
        // The default `fetchLoginConfig` reads the endpoint, locale, fetch, timeout and corp hint; an injected one
        // the corp hint and the signal.
        const configCall = fetchConfig(backend)
        run.put({ status: 'loading-config', error: null }) // a run never starts after a success
        const config = await configCall
        checkPageOrigin(config.redirectUri)
        preconnect(new URL(config.loginOrigin).origin)
        let sdk = loadedEarly
        if (!sdk) {
          run.put({ status: 'loading-script' }, 'sdk-load-failed')
          sdk = await (earlyLoad || load(config.scriptSrc))
        }
        run.put({ status: 'waiting-for-scan' }, 'auth-code-failed')
        const exchangeCode =
          getDeps().exchangeCode || ((body: QrCodeExchange) => exchangeQrCode<TResult>(body, backend))
        const onCode = (code: string) =>
          run.exchange(() => exchangeCode({ code, state: config.state, platform }, { signal: run.signal }))
        run.onEnd(mountQrFrame(sdk, container, { ...options, config }, { onCode, onError: run.fail }))
        return refreshIntervalMs
      },
    )

    return {
      status: 'idle',
      error: null,
      result: null,
      mount: (container, options = {}) => flow.start({ container, options }, options.sdkTimeoutMs),
      refresh: flow.restart,
      retry: flow.restart,
    }
  })
}
