import { createStore, type StoreApi } from 'zustand/vanilla'
import { DingTalkLoginError } from './DingTalkLoginError'
import { createLoginFlow } from './createLoginFlow'
import { exchangeWorkbenchCode, fetchLoginConfig } from './createDingTalkLoginClient'
import type { FetchLike } from './createDingTalkLoginClient'
import { createDingTalkBridge, toAuthCodeError } from './dingtalkBridge'
import type { DingTalkBridge } from './dingtalkBridge'
import type { DingTalkEnv } from './detectDingTalkEnv'
import type { DingTalkLocale, DingTalkLoginConfig, DingTalkLoginResult, WorkbenchCodeExchange } from './types'

/** Named states of the workbench free login, shown as `data-state`. */
export type WorkbenchLoginStatus =
  'idle' | 'detecting' | 'not-in-dingtalk' | 'requesting-code' | 'exchanging' | 'success' | 'error'

/**
 * The vendor side effects of the workbench login, each with a default, so that tests and stories can pass fakes.
 * Read on every use.
 */
export interface WorkbenchLoginDeps<TResult = DingTalkLoginResult> {
  /**
   * The DingTalk JS bridge.
   * @default createDingTalkBridge() (lazy `dingtalk-jsapi`)
   */
  bridge?: DingTalkBridge
  /**
   * Fetches the login config; used only when no `clientId` is given, for the app key.
   * @default `GET {endpoint}/config` ({@link fetchLoginConfig})
   */
  fetchConfig?: (options: { corpId?: string; signal: AbortSignal }) => Promise<DingTalkLoginConfig>
  /**
   * Exchanges the free-login code for the login result. `signal` aborts it when the deadline (`timeoutMs`) passes.
   * @default `POST {endpoint}/login/workbench` (`exchangeWorkbenchCode`)
   */
  exchangeCode?: (input: WorkbenchCodeExchange, options: { signal: AbortSignal }) => Promise<TResult>
  /**
   * The `fetch` of the default backend client.
   * @default globalThis.fetch, looked up at call time
   */
  fetch?: FetchLike
  /** Language of the backend's error messages (`Accept-Language`); read as each run starts, so it restarts nothing. */
  locale?: DingTalkLocale
  /** Called once with the login result. */
  onSuccess?: (result: TResult) => void
  /** Called with every failure (not for `not-in-dingtalk`, which is a state, not a failure). */
  onError?: (error: DingTalkLoginError) => void
}

/** What restarts the workbench login when it changes (after an error only `retry` does); passed to `start`. */
export interface WorkbenchLoginOptions {
  /**
   * The corp the app was opened in.
   * @default the `corpId` or `corpid` query parameter (DingTalk's `$CORPID$` homepage placeholder), else the config's
   */
  corpId?: string
  /**
   * The app's Client ID (AppKey) for the new `requestAuthCode`.
   * @default the config's `appKey`
   */
  clientId?: string
  /**
   * Base URL of the backend's DingTalk routes.
   * @default '/api/auth/dingtalk'
   */
  endpoint?: string
  /**
   * Give up after this many milliseconds, with the `timeout` code: one deadline for fetching the config and
   * waiting for the free-login code together (the PC bridge can hang forever), and again for the exchange; `0`
   * waits forever.
   * @default 8000
   */
  timeoutMs?: number
  /**
   * Give up on one backend call (`GET /config`, `POST /login/workbench`) after this many milliseconds, with the
   * `timeout` code; `0` waits forever.
   * @default 10000
   */
  requestTimeoutMs?: number
  /**
   * The query string to read the corp from.
   * @default location.search
   */
  search?: string
}

/** State and actions of one workbench login. */
export interface WorkbenchLoginState<TResult = DingTalkLoginResult> {
  status: WorkbenchLoginStatus
  /** The last failure while `status` is `error`. */
  error: DingTalkLoginError | null
  /** The login result once `status` is `success`. */
  result: TResult | null
  /** Where the page runs, once detected. */
  env: DingTalkEnv | null
  /**
   * Starts the login and returns the function that stops it. Starts on the next microtask, so a StrictMode
   * double mount asks the bridge once. After the returned function ran, the store changes no more and leaves no
   * timer behind; a later `start` resumes (a pending exchange is followed, a success or an error is kept).
   */
  start(options?: WorkbenchLoginOptions): () => void
  /** Starts over after an error, with the options of the latest `start`. Ignored in other states. */
  retry(): void
}

/** A store created by {@link createWorkbenchLoginStore}. */
export type WorkbenchLoginStore<TResult = DingTalkLoginResult> = StoreApi<WorkbenchLoginState<TResult>>

const PLACEHOLDER = '$CORPID$'

const currentSearch = () => (typeof location === 'undefined' ? '' : location.search)

/** The corp from a `?corpId=` / `?corpid=` query, ignoring DingTalk's unreplaced `$CORPID$` placeholder. */
export function getCorpIdFromSearch(search: string): string | undefined {
  const query = new URLSearchParams(search)
  const value = query.get('corpId') || query.get('corpid')
  return value && value !== PLACEHOLDER ? value : undefined
}

/** True when a workbench login in `status` should give way to the fallback (the QR login). */
export function shouldShowWorkbenchFallback(status: WorkbenchLoginStatus, onError: boolean): boolean {
  return status === 'not-in-dingtalk' || (onError && status === 'error')
}

/**
 * One workbench free login: detect the container → `requestAuthCode` (with our own timeout) → exchange. Create
 * one per component instance.
 */
export function createWorkbenchLoginStore<TResult = DingTalkLoginResult>(
  deps: WorkbenchLoginDeps<TResult> | (() => WorkbenchLoginDeps<TResult>) = {},
): WorkbenchLoginStore<TResult> {
  const getDeps = typeof deps === 'function' ? deps : () => deps

  return createStore<WorkbenchLoginState<TResult>>((set, get) => {
    const flow = createLoginFlow<TResult, WorkbenchLoginOptions, WorkbenchLoginState<TResult>>(
      getDeps,
      set,
      get,
      async (options, run) => {
        const { bridge = createDingTalkBridge(), fetchConfig = fetchLoginConfig, fetch, locale } = getDeps()
        // The run's signal: its end (its deadline included) aborts the backend calls.
        const backend = { ...options, fetch, locale, timeoutMs: options.requestTimeoutMs, signal: run.signal }
        const search = options.search === undefined ? currentSearch() : options.search
        run.put({ status: 'detecting', error: null }, 'environment') // a run never starts after a success
        const env = bridge.getEnv()
        if (!env.inDingTalk) return run.put({ status: 'not-in-dingtalk', env })
        run.put({ status: 'requesting-code', env }, 'auth-code-failed')
        let corpId = options.corpId || getCorpIdFromSearch(search)
        let clientId = options.clientId
        if (!clientId) {
          // The default `fetchLoginConfig` reads the endpoint, locale, fetch, timeout and corp; an injected one
          // the corp and the signal.
          const config = await fetchConfig({ ...backend, corpId })
          run.put({})
          clientId = config.appKey
          corpId = corpId || config.corpId
        }
        if (!corpId) {
          throw new DingTalkLoginError(
            'environment',
            'No corpId: pass one or open the app with ?corpId=$CORPID$',
          )
        }
        // No timer of its own: the flow's deadline covers the PC bridge, which can hang forever.
        const authCode = await bridge.requestAuthCode({ corpId, clientId }).catch((error: unknown) => {
          throw toAuthCodeError(error)
        })
        const input: WorkbenchCodeExchange = {
          corpId,
          authCode,
          platform: env.platform === 'pc' ? 'web' : 'mobile',
        }
        const exchangeCode =
          getDeps().exchangeCode ||
          ((body: WorkbenchCodeExchange) => exchangeWorkbenchCode<TResult>(body, backend))
        run.exchange(() => exchangeCode(input, { signal: run.signal }))
      },
    )

    return {
      status: 'idle',
      error: null,
      result: null,
      env: null,
      start: (options = {}) =>
        flow.start(options, options.timeoutMs === undefined ? 8000 : options.timeoutMs),
      retry: () => {
        if (get().status === 'error') flow.restart()
      },
    }
  })
}
