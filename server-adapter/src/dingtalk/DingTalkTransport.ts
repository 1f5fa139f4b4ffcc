import { maskText, silentLogger } from '../logger'
import type { Logger } from '../logger'
import { DingTalkApiError } from './DingTalkApiError'
import type { DDInnerClientOptions, DingTalkCallOptions } from './DingTalkClientOptions'
import { DingTalkFetchError } from './DingTalkFetchError'
import { isInvalidAppTokenError, isRetryableError } from './errorPredicates'
import { isObject, optionalNumber, optionalString } from './jsonCoercers'
import type { Json } from './jsonCoercers'
import { createAppTokenManager } from './tokenCache'
import type { AppTokenManager, FetchedAppToken } from './tokenCache'
import { UnexpectedResponseError } from './UnexpectedResponseError'
import { worstCaseCallMs } from './worstCaseCallMs'

/** The real DingTalk v1.0 API origin. */
export const DINGTALK_API_BASE = 'https://api.dingtalk.com'
/** The real DingTalk oapi (topapi) origin. */
export const DINGTALK_OAPI_BASE = 'https://oapi.dingtalk.com'

/** Added to the worst-case token fetch for the app-token lock: the cache write after the fetch, clock drift. */
const TOKEN_LOCK_MARGIN_MS = 1_000

/** What a transport needs beyond the client options: whose calls it carries, and how the app token is fetched. */
export interface DingTalkTransportSettings {
  appKey: string
  /** Fetches a fresh app token (the client's own call: only it holds the secret). */
  fetchAppToken: () => Promise<FetchedAppToken>
  options: DDInnerClientOptions
}

/** One oapi (`topapi`) call: HTTP 200 with `errcode` 0, or a {@link DingTalkApiError}. */
export interface OapiCall {
  /** `POST /topapi/...`: the key of logs, errors and `onRequest`. */
  endpoint: string
  path: string
  token: string
  body: Json
  options: DingTalkCallOptions
  /** The permission the call needs, named in `permission_denied` when DingTalk's `60011` names none. */
  requiredScope?: string
}

/** One v1.0 API call: a 2xx JSON object, or a {@link DingTalkApiError} from DingTalk's error body. */
export interface V1Call {
  endpoint: string
  url: string
  method: 'GET' | 'POST'
  body?: Json
  headers?: Record<string, string>
  options: DingTalkCallOptions
}

/**
 * How the clients of one app reach DingTalk: the origins, a timeout on every call, retries with jittered backoff
 * for idempotent calls only, the app-token cache with one fetch in flight (and one refetch when DingTalk rejects a
 * cached token), and the reading of both API families' answers into typed errors. The login calls
 * (`DingTalkClient`) and the directory calls (`DingTalkDirectoryClient`) of an app share one.
 */
export class DingTalkTransport {
  readonly appKey: string
  readonly apiBase: string
  readonly oapiBase: string
  /** The app token: cached, refreshed before expiry, fetched once however many callers wait. */
  readonly tokens: AppTokenManager
  readonly #fetchFn: typeof fetch | undefined
  readonly #timeoutMs: number
  readonly #retries: number
  readonly #baseDelayMs: number
  readonly #maxDelayMs: number
  readonly #random: () => number
  readonly #logger: Logger

  constructor({ appKey, fetchAppToken, options }: DingTalkTransportSettings) {
    this.appKey = appKey
    this.apiBase = trimSlash(options.apiBase ?? DINGTALK_API_BASE)
    this.oapiBase = trimSlash(options.oapiBase ?? DINGTALK_OAPI_BASE)
    this.#fetchFn = options.fetch
    this.#timeoutMs = options.timeoutMs ?? 5_000
    this.#retries = options.retry?.retries ?? 2
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 100
    this.#maxDelayMs = options.retry?.maxDelayMs ?? 2_000
    this.#random = options.random ?? Math.random
    this.#logger = options.logger ?? silentLogger
    this.tokens = createAppTokenManager({
      key: `dingtalk:app-token:${appKey}`,
      fetchToken: fetchAppToken,
      // The process fetching the token holds the shared lock through every retry; a shorter lock would let a
      // second process fetch too while the first one still waits on a slow DingTalk.
      lockTtlMs:
        worstCaseCallMs({
          timeoutMs: this.#timeoutMs,
          retries: this.#retries,
          baseDelayMs: this.#baseDelayMs,
          maxDelayMs: this.#maxDelayMs,
        }) + TOKEN_LOCK_MARGIN_MS,
      ...(options.tokenCache ? { cache: options.tokenCache } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.tokenRefreshMarginMs !== undefined
        ? { refreshMarginMs: options.tokenRefreshMarginMs }
        : {}),
      onMissingExpiry: () =>
        this.#logger.warn({ appKey }, 'DingTalk sent no usable expireIn; caching the app token for 7200 s'),
    })
  }

  /** An oapi read with the cached app token, retried: the directory's and the profile's calls. */
  readOapi(call: Omit<OapiCall, 'token'>): Promise<Json> {
    return this.retried(call.endpoint, call.options, () =>
      this.withAppToken((token) => this.callOapi({ ...call, token })),
    )
  }

  /** Runs `call` with the cached app token; a token DingTalk rejects is dropped and the call made once more. */
  async withAppToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.tokens.get()
    try {
      return await call(token)
    } catch (error) {
      if (!isInvalidAppTokenError(error)) throw error
      this.#logger.info(
        { appKey: this.appKey, err: error },
        'DingTalk rejected the cached app token; refetching once',
      )
      await this.tokens.invalidate(token)
      return call(await this.tokens.get())
    }
  }

  /** Runs an idempotent call, again after a retryable failure (busy, throttled, network), with jittered backoff. */
  async retried<T>(endpoint: string, options: DingTalkCallOptions, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        if (attempt >= this.#retries || !isRetryableError(error) || options.signal?.aborted) throw error
        const exp = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** attempt)
        const delay = Math.round(exp * (0.5 + this.#random() * 0.5))
        this.#logger.debug(
          { endpoint, attempt: attempt + 1, delayMs: delay, err: error },
          'retrying DingTalk call',
        )
        await sleep(delay, options.signal)
      }
    }
  }

  async callV1(call: V1Call): Promise<Json> {
    const { endpoint } = call
    const { status, data } = await this.#send(call)
    if (status >= 200 && status < 300) {
      if (!isObject(data))
        throw new UnexpectedResponseError(endpoint, status, data, 'the body is not a JSON object')
      return data
    }
    // DingTalk: the gateway also accepts capitalised Code / Message / RequestId.
    const code = isObject(data) ? (optionalString(data.code) ?? optionalString(data.Code)) : undefined
    if (!isObject(data) || !code)
      throw new UnexpectedResponseError(endpoint, status, data, 'not a DingTalk error body')
    const detail = data.accessdenieddetail ?? data.AccessDeniedDetail
    const scopes =
      isObject(detail) && Array.isArray(detail.requiredScopes) ? detail.requiredScopes : undefined
    throw new DingTalkApiError({
      endpoint,
      status,
      code,
      requestId:
        optionalString(data.requestid) ?? optionalString(data.RequestId) ?? optionalString(data.requestId),
      requiredScopes: scopes?.filter((s): s is string => typeof s === 'string'),
      dingTalkMessage: optionalString(data.message) ?? optionalString(data.Message) ?? '',
    })
  }

  async callOapi(call: OapiCall): Promise<Json> {
    const { endpoint } = call
    const url = `${this.oapiBase}${call.path}?access_token=${encodeURIComponent(call.token)}`
    const { status, data } = await this.#send({
      endpoint,
      url,
      method: 'POST',
      body: call.body,
      options: call.options,
    })
    if (!isObject(data))
      throw new UnexpectedResponseError(endpoint, status, data, 'the body is not a JSON object')
    const errcode = optionalNumber(data.errcode)
    if (errcode === null) {
      throw new UnexpectedResponseError(
        endpoint,
        status,
        data,
        status === 200 ? 'no errcode' : `HTTP ${status}`,
      )
    }
    if (errcode === 0) return data
    // DingTalk: auth failures come as errcode 88 with the real reason in sub_code, a string.
    const subCode = data.sub_code === undefined || data.sub_code === null ? undefined : String(data.sub_code)
    throw new DingTalkApiError({
      endpoint,
      status,
      code: String(errcode),
      errcode,
      subCode,
      requestId: optionalString(data.request_id),
      requiredScopes: errcode === 60011 && call.requiredScope ? [call.requiredScope] : undefined,
      dingTalkMessage: optionalString(data.sub_msg) ?? optionalString(data.errmsg) ?? '',
    })
  }

  async #send({
    endpoint,
    url,
    method,
    body,
    headers,
    options,
  }: V1Call): Promise<{ status: number; data: unknown }> {
    options.signal?.throwIfAborted()
    options.onRequest?.(endpoint)
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    // Late-bound: a fetch installed after this client was created (test doubles, instrumentation) is used.
    const fetchFn = this.#fetchFn ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
    let status: number
    let text: string
    try {
      const response = await fetchFn(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          ...headers,
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal,
      })
      status = response.status
      text = await response.text()
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason
      throw new DingTalkFetchError(endpoint, timeout.aborted, error)
    }
    if (text === '') return { status, data: null }
    let data: unknown
    try {
      data = JSON.parse(text) as unknown
    } catch {
      throw new UnexpectedResponseError(
        endpoint,
        status,
        maskText(text.slice(0, 500)),
        'the body is not JSON',
      )
    }
    // DingTalk: an IP over the gateway's rate limit gets {"status":1111,"punish":"deny",…}, even with HTTP 200.
    if (isObject(data) && data.punish === 'deny') {
      throw new UnexpectedResponseError(endpoint, status, data, 'the gateway banned this IP for a while')
    }
    return { status, data }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** `https://x/` → `https://x`. */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
