import { maskText, silentLogger } from '../logger'
import type { Logger } from '../logger'
import { DingTalkApiError } from './DingTalkApiError'
import type {
  DDInnerClientCredentials,
  DDInnerClientOptions,
  DingTalkCallOptions,
} from './DingTalkClientOptions'
import { DingTalkFetchError } from './DingTalkFetchError'
import { isInvalidAppTokenError, isRetryableError } from './errorPredicates'
import {
  isObject,
  numberList,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireId,
  requireObject,
  requireString,
} from './jsonCoercers'
import type { Json } from './jsonCoercers'
import { createAppTokenManager } from './tokenCache'
import type { AppTokenManager } from './tokenCache'
import { UnexpectedResponseError } from './UnexpectedResponseError'
import type {
  AppAccessToken,
  AuthorizationUrlParams,
  DingTalkCodeUser,
  DingTalkCurrentUser,
  DingTalkUserDetail,
  DingTalkUserIdByUnionId,
  UserAccessToken,
} from './wireTypes'
import { worstCaseCallMs } from './worstCaseCallMs'
import {
  DIRECTORY_SCOPES,
  DirectoryAnswerError,
  GET_DEPARTMENT_ENDPOINT,
  LEAVE_RECORDS_ENDPOINT,
  LIST_DEPARTMENT_USERS_ENDPOINT,
  LIST_SUB_DEPARTMENT_IDS_ENDPOINT,
  LIST_SUB_DEPARTMENTS_ENDPOINT,
  parseDepartment,
  parseDepartmentIds,
  parseDepartmentList,
  parseDepartmentUserPage,
  parseLeaveRecordPage,
  toLeaveRecordTime,
} from './directoryApi'
import type { DingTalkDepartment, DingTalkDepartmentUserPage, DingTalkLeaveRecordPage } from './directoryApi'

/** The real DingTalk v1.0 API origin. */
export const DINGTALK_API_BASE = 'https://api.dingtalk.com'
/** The real DingTalk oapi (topapi) origin. */
export const DINGTALK_OAPI_BASE = 'https://oapi.dingtalk.com'
/** The real DingTalk login page origin. */
export const DINGTALK_LOGIN_BASE = 'https://login.dingtalk.com'

const APP_ACCESS_TOKEN_ENDPOINT = '/v1.0/oauth2/accessToken'
const USER_ACCESS_TOKEN_ENDPOINT = '/v1.0/oauth2/userAccessToken'
const CURRENT_USER_ENDPOINT = '/v1.0/contact/users/me'
const USER_INFO_BY_CODE_ENDPOINT = '/topapi/v2/user/getuserinfo'
const USER_ID_BY_UNION_ID_ENDPOINT = '/topapi/user/getbyunionid'
const USER_DETAIL_ENDPOINT = '/topapi/v2/user/get'
const AUTHORIZE_ENDPOINT = '/oauth2/auth'

/** Added to the worst-case token fetch for the app-token lock: the cache write after the fetch, clock drift. */
const TOKEN_LOCK_MARGIN_MS = 1_000

/** The DingTalk permission each call needs, for `permission_denied` answers without a list. */
const REQUIRED_SCOPE: Readonly<Record<string, string>> = {
  [`GET ${CURRENT_USER_ENDPOINT}`]: 'Contact.User.Read',
  [`POST ${USER_ID_BY_UNION_ID_ENDPOINT}`]: 'qyapi_get_member',
  [`POST ${USER_DETAIL_ENDPOINT}`]: 'qyapi_get_member',
  ...DIRECTORY_SCOPES,
}

/**
 * The DingTalk API client of one internal app (arctic style): one method per protocol step, typed results,
 * typed errors, an app-token cache with one fetch in flight, retries for idempotent calls only.
 */
export class DingTalkClient {
  /** The app's AppKey (Client ID). */
  readonly appKey: string
  /** The app's corp, when configured. */
  readonly corpId: string | undefined
  /** A `#private` field: never enumerable, so `JSON.stringify` / `util.inspect` of the client cannot show it. */
  readonly #appSecret: string
  private readonly apiBase: string
  private readonly oapiBase: string
  private readonly loginBase: string
  private readonly fetchFn: typeof fetch | undefined
  private readonly timeoutMs: number
  private readonly retries: number
  private readonly baseDelayMs: number
  private readonly maxDelayMs: number
  private readonly random: () => number
  private readonly logger: Logger
  private readonly tokens: AppTokenManager

  constructor(credentials: DDInnerClientCredentials, options: DDInnerClientOptions = {}) {
    this.appKey = credentials.appKey
    this.#appSecret = credentials.appSecret
    this.corpId = credentials.corpId
    this.apiBase = trimSlash(options.apiBase ?? DINGTALK_API_BASE)
    this.oapiBase = trimSlash(options.oapiBase ?? DINGTALK_OAPI_BASE)
    this.loginBase = trimSlash(options.loginBase ?? DINGTALK_LOGIN_BASE)
    this.fetchFn = options.fetch
    this.timeoutMs = options.timeoutMs ?? 5_000
    this.retries = options.retry?.retries ?? 2
    this.baseDelayMs = options.retry?.baseDelayMs ?? 100
    this.maxDelayMs = options.retry?.maxDelayMs ?? 2_000
    this.random = options.random ?? Math.random
    this.logger = options.logger ?? silentLogger
    this.tokens = createAppTokenManager({
      key: `dingtalk:app-token:${this.appKey}`,
      fetchToken: () => this.getAppAccessToken(),
      // The process fetching the token holds the shared lock through every retry; a shorter lock would let a
      // second process fetch too while the first one still waits on a slow DingTalk.
      lockTtlMs:
        worstCaseCallMs({
          timeoutMs: this.timeoutMs,
          retries: this.retries,
          baseDelayMs: this.baseDelayMs,
          maxDelayMs: this.maxDelayMs,
        }) + TOKEN_LOCK_MARGIN_MS,
      ...(options.tokenCache ? { cache: options.tokenCache } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.tokenRefreshMarginMs !== undefined
        ? { refreshMarginMs: options.tokenRefreshMarginMs }
        : {}),
      onMissingExpiry: () =>
        this.logger.warn(
          { appKey: this.appKey },
          'DingTalk sent no usable expireIn; caching the app token for 7200 s',
        ),
    })
  }

  /**
   * The URL of DingTalk's login page for the full-page redirect flow.
   */
  createAuthorizationUrl(params: AuthorizationUrlParams): URL {
    const url = new URL(`${this.loginBase}${AUTHORIZE_ENDPOINT}`)
    url.searchParams.set('redirect_uri', params.redirectUri)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('client_id', this.appKey)
    url.searchParams.set('scope', params.scope ?? 'openid')
    url.searchParams.set('prompt', params.prompt ?? 'consent')
    url.searchParams.set('state', params.state)
    if (params.corpId) url.searchParams.set('corpId', params.corpId)
    return url
  }

  /** Fetches a fresh app token (`POST /v1.0/oauth2/accessToken`), bypassing the cache. Retried. */
  async getAppAccessToken(options: DingTalkCallOptions = {}): Promise<AppAccessToken> {
    const endpoint = `POST ${APP_ACCESS_TOKEN_ENDPOINT}`
    const body = await this.withRetry(endpoint, options, () =>
      this.callV1(endpoint, `${this.apiBase}${APP_ACCESS_TOKEN_ENDPOINT}`, {
        method: 'POST',
        body: { appKey: this.appKey, appSecret: this.#appSecret },
        options,
      }),
    )
    return {
      accessToken: requireString(endpoint, body, 'accessToken'),
      expiresInSeconds: optionalNumber(body.expireIn),
    }
  }

  /** The app token from the cache, fetched once however many callers wait for it. */
  getCachedAppAccessToken(): Promise<string> {
    return this.tokens.get()
  }

  /** Drops a cached app token that DingTalk rejected (only if it is still the cached one). */
  invalidateAppAccessToken(token: string): Promise<void> {
    return this.tokens.invalidate(token)
  }

  /**
   * Exchanges an OAuth authCode for a user token (`POST /v1.0/oauth2/userAccessToken`). Never retried: a code
   * is single use.
   */
  async getUserAccessToken(authCode: string, options: DingTalkCallOptions = {}): Promise<UserAccessToken> {
    const endpoint = `POST ${USER_ACCESS_TOKEN_ENDPOINT}`
    const body = await this.callV1(endpoint, `${this.apiBase}${USER_ACCESS_TOKEN_ENDPOINT}`, {
      method: 'POST',
      body: {
        clientId: this.appKey,
        clientSecret: this.#appSecret,
        code: authCode,
        grantType: 'authorization_code',
      },
      options,
    })
    return {
      accessToken: requireString(endpoint, body, 'accessToken'),
      refreshToken: optionalString(body.refreshToken),
      expiresInSeconds: optionalNumber(body.expireIn),
      corpId: optionalString(body.corpId),
    }
  }

  /** The person behind a user token (`GET /v1.0/contact/users/me`; needs `Contact.User.Read`). Retried. */
  async getCurrentUser(
    userAccessToken: string,
    options: DingTalkCallOptions = {},
  ): Promise<DingTalkCurrentUser> {
    const endpoint = `GET ${CURRENT_USER_ENDPOINT}`
    const body = await this.withRetry(endpoint, options, () =>
      this.callV1(endpoint, `${this.apiBase}${CURRENT_USER_ENDPOINT}`, {
        method: 'GET',
        headers: { 'x-acs-dingtalk-access-token': userAccessToken },
        options,
      }),
    )
    return {
      unionId: requireString(endpoint, body, 'unionId'),
      openId: optionalString(body.openId),
      nick: optionalString(body.nick),
      avatarUrl: optionalString(body.avatarUrl),
      mobile: optionalString(body.mobile),
      stateCode: optionalString(body.stateCode),
      email: optionalString(body.email),
      raw: body,
    }
  }

  /**
   * The employee behind a free-login code (`POST /topapi/v2/user/getuserinfo` with the cached app token). The
   * code is never retried; only a rejected app token is refreshed once (DingTalk checks the token first).
   */
  async getUserInfoByCode(code: string, options: DingTalkCallOptions = {}): Promise<DingTalkCodeUser> {
    const endpoint = `POST ${USER_INFO_BY_CODE_ENDPOINT}`
    const body = await this.withAppToken((token) =>
      this.callOapi(endpoint, USER_INFO_BY_CODE_ENDPOINT, token, { code }, options),
    )
    const result = requireObject(endpoint, body, 'result')
    return {
      userid: requireId(endpoint, result, 'userid'),
      unionid: optionalString(result.unionid),
      name: optionalString(result.name),
      sys: optionalBoolean(result.sys),
      sysLevel: optionalNumber(result.sys_level) ?? undefined,
      deviceId: optionalString(result.device_id),
      associatedUnionid: optionalString(result.associated_unionid),
      requestId: optionalString(body.request_id),
    }
  }

  /** unionId → corp userid (`POST /topapi/user/getbyunionid`); `60121` means not in this corp. Retried. */
  async getUserIdByUnionId(
    unionId: string,
    options: DingTalkCallOptions = {},
  ): Promise<DingTalkUserIdByUnionId> {
    const endpoint = `POST ${USER_ID_BY_UNION_ID_ENDPOINT}`
    const body = await this.withRetry(endpoint, options, () =>
      this.withAppToken((token) =>
        this.callOapi(endpoint, USER_ID_BY_UNION_ID_ENDPOINT, token, { unionid: unionId }, options),
      ),
    )
    const result = requireObject(endpoint, body, 'result')
    return {
      userid: requireId(endpoint, result, 'userid'),
      contactType: optionalNumber(result.contact_type) ?? 0,
    }
  }

  /** The employee record (`POST /topapi/v2/user/get`). Retried. */
  async getUser(
    userid: string,
    options: DingTalkCallOptions & { language?: 'zh_CN' | 'en_US' } = {},
  ): Promise<DingTalkUserDetail> {
    const endpoint = `POST ${USER_DETAIL_ENDPOINT}`
    const body = await this.withRetry(endpoint, options, () =>
      this.withAppToken((token) =>
        this.callOapi(
          endpoint,
          USER_DETAIL_ENDPOINT,
          token,
          { userid, language: options.language ?? 'zh_CN' },
          options,
        ),
      ),
    )
    const r = requireObject(endpoint, body, 'result')
    return {
      userid: requireId(endpoint, r, 'userid'),
      unionid: optionalString(r.unionid),
      name: optionalString(r.name),
      avatar: optionalString(r.avatar),
      mobile: optionalString(r.mobile),
      stateCode: optionalString(r.state_code),
      jobNumber: optionalString(r.job_number),
      title: optionalString(r.title),
      email: optionalString(r.email),
      orgEmail: optionalString(r.org_email),
      hiredDate: optionalNumber(r.hired_date) ?? undefined,
      active: optionalBoolean(r.active),
      admin: optionalBoolean(r.admin),
      deptIdList: numberList(r.dept_id_list),
      raw: r,
    }
  }

  /** One level of sub-departments (`topapi/v2/department/listsub`; root = 1). Retried. */
  async listSubDepartments(deptId: number, options: DingTalkCallOptions = {}): Promise<DingTalkDepartment[]> {
    const body = await this.readOapi(LIST_SUB_DEPARTMENTS_ENDPOINT, { dept_id: deptId }, options)
    return this.parse(LIST_SUB_DEPARTMENTS_ENDPOINT, () => parseDepartmentList(body))
  }

  /** The ids of one level of sub-departments (`topapi/v2/department/listsubid`). Retried. */
  async listSubDepartmentIds(deptId: number, options: DingTalkCallOptions = {}): Promise<number[]> {
    const body = await this.readOapi(LIST_SUB_DEPARTMENT_IDS_ENDPOINT, { dept_id: deptId }, options)
    return this.parse(LIST_SUB_DEPARTMENT_IDS_ENDPOINT, () => parseDepartmentIds(body))
  }

  /** One department (`topapi/v2/department/get`); `60003` when it does not exist. Retried. */
  async getDepartment(deptId: number, options: DingTalkCallOptions = {}): Promise<DingTalkDepartment> {
    const body = await this.readOapi(GET_DEPARTMENT_ENDPOINT, { dept_id: deptId }, options)
    return this.parse(GET_DEPARTMENT_ENDPOINT, () => parseDepartment(body.result))
  }

  /** One page (≤ 100) of the people directly in a department (`topapi/v2/user/list`). Retried. */
  async listDepartmentUsers(
    deptId: number,
    page: { cursor: number; size?: number },
    options: DingTalkCallOptions = {},
  ): Promise<DingTalkDepartmentUserPage> {
    const request = { dept_id: deptId, cursor: page.cursor, size: page.size ?? 100, language: 'zh_CN' }
    const body = await this.readOapi(LIST_DEPARTMENT_USERS_ENDPOINT, request, options)
    return this.parse(LIST_DEPARTMENT_USERS_ENDPOINT, () => parseDepartmentUserPage(body))
  }

  /** One page (≤ 50) of who left between two times (`GET /v1.0/contact/empLeaveRecords`; window ≤ 365 days). Retried. */
  async listLeaveRecords(
    window: { startTime: number; endTime?: number; nextToken?: string; maxResults?: number },
    options: DingTalkCallOptions = {},
  ): Promise<DingTalkLeaveRecordPage> {
    const endpoint = `GET ${LEAVE_RECORDS_ENDPOINT}`
    const url = new URL(`${this.apiBase}${LEAVE_RECORDS_ENDPOINT}`)
    url.searchParams.set('startTime', toLeaveRecordTime(window.startTime))
    if (window.endTime !== undefined) url.searchParams.set('endTime', toLeaveRecordTime(window.endTime))
    if (window.nextToken) url.searchParams.set('nextToken', window.nextToken)
    url.searchParams.set('maxResults', String(window.maxResults ?? 50))
    const body = await this.withRetry(endpoint, options, () =>
      this.withAppToken((token) =>
        this.callV1(endpoint, url.href, {
          method: 'GET',
          headers: { 'x-acs-dingtalk-access-token': token },
          options,
        }),
      ),
    )
    return this.parse(LEAVE_RECORDS_ENDPOINT, () => parseLeaveRecordPage(body))
  }

  private readOapi(path: string, body: Json, options: DingTalkCallOptions): Promise<Json> {
    const endpoint = `POST ${path}`
    return this.withRetry(endpoint, options, () =>
      this.withAppToken((token) => this.callOapi(endpoint, path, token, body, options)),
    )
  }

  private parse<T>(path: string, read: () => T): T {
    try {
      return read()
    } catch (error) {
      if (error instanceof DirectoryAnswerError)
        throw new UnexpectedResponseError(path, 200, undefined, error.message)
      throw error
    }
  }

  private async withAppToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.tokens.get()
    try {
      return await call(token)
    } catch (error) {
      if (!isInvalidAppTokenError(error)) throw error
      this.logger.info(
        { appKey: this.appKey, err: error },
        'DingTalk rejected the cached app token; refetching once',
      )
      await this.tokens.invalidate(token)
      return call(await this.tokens.get())
    }
  }

  private async withRetry<T>(
    endpoint: string,
    options: DingTalkCallOptions,
    call: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        if (attempt >= this.retries || !isRetryableError(error) || options.signal?.aborted) throw error
        const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt)
        const delay = Math.round(exp * (0.5 + this.random() * 0.5))
        this.logger.debug(
          { endpoint, attempt: attempt + 1, delayMs: delay, err: error },
          'retrying DingTalk call',
        )
        await sleep(delay, options.signal)
      }
    }
  }

  private async callV1(
    endpoint: string,
    url: string,
    init: {
      method: 'GET' | 'POST'
      body?: Json
      headers?: Record<string, string>
      options: DingTalkCallOptions
    },
  ): Promise<Json> {
    const { status, data } = await this.send(
      endpoint,
      url,
      init.method,
      init.body,
      init.headers,
      init.options,
    )
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

  private async callOapi(
    endpoint: string,
    path: string,
    token: string,
    body: Json,
    options: DingTalkCallOptions,
  ): Promise<Json> {
    const url = `${this.oapiBase}${path}?access_token=${encodeURIComponent(token)}`
    const { status, data } = await this.send(endpoint, url, 'POST', body, undefined, options)
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
      requiredScopes: errcode === 60011 && REQUIRED_SCOPE[endpoint] ? [REQUIRED_SCOPE[endpoint]] : undefined,
      dingTalkMessage: optionalString(data.sub_msg) ?? optionalString(data.errmsg) ?? '',
    })
  }

  private async send(
    endpoint: string,
    url: string,
    method: 'GET' | 'POST',
    body: Json | undefined,
    headers: Record<string, string> | undefined,
    options: DingTalkCallOptions,
  ): Promise<{ status: number; data: unknown }> {
    options.signal?.throwIfAborted()
    options.onRequest?.(endpoint)
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    // Late-bound: a fetch installed after this client was created (test doubles, instrumentation) is used.
    const fetchFn = this.fetchFn ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
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

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

/** The seed's name of {@link DingTalkClient}, kept for code written against it. */
export const DDInnerClient = DingTalkClient
/** The seed's name of {@link DingTalkClient}, kept for code written against it. */
export type DDInnerClient = DingTalkClient
