import { createStore, type StoreApi } from 'zustand/vanilla'
import type { DingTalkLoginError, DingTalkLoginErrorCode } from './DingTalkLoginError'
import { exchangeQrCode, fetchLoginConfig } from './createDingTalkLoginClient'
import type { FetchLike } from './createDingTalkLoginClient'
import { loadQrLoginSdk } from './loadQrLoginSdk'
import type { LoadQrLoginSdkOptions } from './loadQrLoginSdk'
import { mountQrFrame } from './mountQrFrame'
import { toDingTalkLoginError } from './toDingTalkLoginError'
import type {
  DingTalkLocale,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  LoginPlatform,
  QrCodeExchange,
} from './types'
import type { DTFrameLogin } from './vendor'

/** Named states of the QR login (`design.md` §5), shown as `data-state`. */
export type QrLoginStatus =
  'idle' | 'loading-config' | 'loading-script' | 'waiting-for-scan' | 'exchanging' | 'success' | 'error'

/**
 * The vendor side effects of the QR login, each with a default (style.md C3). Read on every use, so a
 * function that returns them may hand out the latest ones.
 */
export interface QrLoginDeps<TResult = DingTalkLoginResult> {
  /**
   * Fetches the login config.
   * @default `GET {endpoint}/config` ({@link fetchLoginConfig})
   */
  fetchConfig?: (options: { corpId?: string; signal: AbortSignal }) => Promise<DingTalkLoginConfig>
  /**
   * Loads `ddlogin.js` and resolves with `DTFrameLogin`.
   * @default loadQrLoginSdk
   */
  loadSdk?: (options: LoadQrLoginSdkOptions) => Promise<DTFrameLogin>
  /**
   * Exchanges the scanned code for the login result.
   * @default `POST {endpoint}/login/qr` ({@link exchangeQrCode})
   */
  exchangeCode?: (input: QrCodeExchange) => Promise<TResult>
  /**
   * The `fetch` of the default backend client.
   * @default globalThis.fetch, looked up at call time
   */
  fetch?: FetchLike
  /** Called once with the login result. */
  onSuccess?: (result: TResult) => void
  /** Called with every failure. */
  onError?: (error: DingTalkLoginError) => void
}

/** What restarts the QR login when it changes; passed to `mount`. */
export interface QrLoginOptions {
  /**
   * Base URL of the backend's DingTalk routes.
   * @default '/api/auth/dingtalk'
   */
  endpoint?: string
  /** Language of the backend's error messages. */
  locale?: DingTalkLocale
  /** CSP nonce for the `ddlogin.js` script tag. */
  nonce?: string
  /**
   * URL of `ddlogin.js`, overriding the backend's `scriptSrc`.
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
   * Give up loading `ddlogin.js` after this many milliseconds.
   * @default 15000
   */
  sdkTimeoutMs?: number
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
   * resumes (a pending exchange is followed, a success is kept).
   */
  mount(container: HTMLElement, options?: QrLoginOptions): () => void
  /** Fetches a new config and shows a new QR code. Ignored while exchanging, after success, or when unmounted. */
  refresh(): void
  /** Starts over after an error (a failed script load is retried with a fresh tag). Same rules as `refresh`. */
  retry(): void
}

/** A store created by {@link createQrLoginStore}. */
export type QrLoginStore<TResult = DingTalkLoginResult> = StoreApi<QrLoginState<TResult>>

/**
 * One QR login: config → `ddlogin.js` → QR iframe → scan → exchange. Create one per component instance
 * (style.md A3); all steps, timers and error mapping live here, the React layer only subscribes.
 */
export function createQrLoginStore<TResult = DingTalkLoginResult>(
  deps: QrLoginDeps<TResult> | (() => QrLoginDeps<TResult>) = {},
): QrLoginStore<TResult> {
  const getDeps = typeof deps === 'function' ? deps : () => deps
  let mounted: { container: HTMLElement; options: QrLoginOptions } | null = null
  let run = 0
  let teardown = () => {}
  let exchange: Promise<TResult> | null = null

  return createStore<QrLoginState<TResult>>()((set, get) => {
    const fail = (id: number, error: unknown, code: DingTalkLoginErrorCode) => {
      if (id !== run) return
      teardown()
      const loginError = toDingTalkLoginError(error, code)
      set({ status: 'error', error: loginError })
      getDeps().onError?.(loginError)
    }

    const follow = (id: number, pending: Promise<TResult>) =>
      pending.then(
        (result) => {
          if (id !== run) return
          set({ status: 'success', result })
          getDeps().onSuccess?.(result)
        },
        (error: unknown) => fail(id, error, 'exchange-failed'),
      )

    const begin = async () => {
      if (!mounted) return
      const { container, options } = mounted
      teardown()
      const id = ++run
      exchange = null
      const controller = new AbortController()
      let disposeFrame = () => {}
      let refreshTimer: ReturnType<typeof setTimeout> | undefined
      teardown = () => {
        controller.abort()
        clearTimeout(refreshTimer)
        disposeFrame()
      }
      const { fetchConfig, loadSdk = loadQrLoginSdk, fetch } = getDeps()
      const http = { endpoint: options.endpoint, locale: options.locale, fetch }
      set({ status: 'loading-config', error: null, result: null })
      let step: DingTalkLoginErrorCode = 'exchange-failed'
      try {
        const request = { corpId: options.corpId, signal: controller.signal }
        const config = await (fetchConfig ? fetchConfig(request) : fetchLoginConfig({ ...http, ...request }))
        if (id !== run) return
        set({ status: 'loading-script' })
        step = 'sdk-load-failed'
        const src = options.scriptSrc || config.scriptSrc
        const sdk = await loadSdk({ src, nonce: options.nonce, timeoutMs: options.sdkTimeoutMs })
        if (id !== run) return
        step = 'auth-code-failed'
        const onCode = (code: string) => {
          if (id !== run || exchange) return
          teardown()
          set({ status: 'exchanging' })
          const input = { code, state: config.state, platform: options.platform || 'web' }
          const exchangeCode = getDeps().exchangeCode
          exchange = Promise.resolve().then(() =>
            exchangeCode ? exchangeCode(input) : exchangeQrCode<TResult>(input, http),
          )
          follow(id, exchange)
        }
        const frame = { config, width: options.width, height: options.height, corpId: options.corpId }
        disposeFrame = mountQrFrame(sdk, container, frame, {
          onCode,
          onError: (error) => fail(id, error, step),
        })
        set({ status: 'waiting-for-scan' })
        const every = options.refreshIntervalMs ?? 540_000
        if (every > 0) refreshTimer = setTimeout(begin, every)
      } catch (error) {
        fail(id, error, step)
      }
    }

    const restart = () => {
      const { status } = get()
      if (mounted && status !== 'exchanging' && status !== 'success') void begin()
    }

    return {
      status: 'idle',
      error: null,
      result: null,
      mount(container, options = {}) {
        const token = { container, options }
        mounted = token
        // StrictMode mounts, unmounts and mounts again synchronously: only the mount still current a microtask
        // later does any work, so the first costs no config request, script tag or vendor listener.
        queueMicrotask(() => {
          if (mounted !== token || get().status === 'success') return
          if (exchange && get().status === 'exchanging') void follow(++run, exchange)
          else void begin()
        })
        return () => {
          if (mounted !== token) return
          mounted = null
          run++
          teardown()
        }
      },
      refresh: restart,
      retry: restart,
    }
  })
}
