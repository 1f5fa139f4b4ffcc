import { maskText, silentLogger } from '../logger'
import type { Logger } from '../logger'
import { createAppTokenManager } from './tokenCache'
import type { AppTokenManager, TokenCache } from './tokenCache'
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

/** The DingTalk permission each call needs (dingtalk-protocol.md §4.6), for `permission_denied` answers without a list. */
const REQUIRED_SCOPE: Readonly<Record<string, string>> = {
  [`GET ${CURRENT_USER_ENDPOINT}`]: 'Contact.User.Read',
  [`POST ${USER_ID_BY_UNION_ID_ENDPOINT}`]: 'qyapi_get_member',
  [`POST ${USER_DETAIL_ENDPOINT}`]: 'qyapi_get_member',
  ...DIRECTORY_SCOPES,
}

/** The network failed, the call timed out, or the connection dropped before DingTalk answered. */
export class DingTalkFetchError extends Error {
  /** `METHOD /path` of the call. */
  readonly endpoint: string
  /** True when the per-call timeout fired. */
  readonly timedOut: boolean

  constructor(endpoint: string, timedOut: boolean, cause: unknown) {
    super(timedOut ? `DingTalk ${endpoint} timed out` : `DingTalk ${endpoint} could not be reached`, {
      cause,
    })
    this.name = 'DingTalkFetchError'
    this.endpoint = endpoint
    this.timedOut = timedOut
  }
}

/** DingTalk answered with an error: a v1.0 `{ code, message, requestid }` or an oapi `errcode ≠ 0`. */
export class DingTalkApiError extends Error {
  /** `METHOD /path` of the call. */
  readonly endpoint: string
  /** The HTTP status (oapi errors come with 200). */
  readonly status: number
  /** The v1.0 `code` (e.g. `invalidParameter.authCode.notFound`), or the oapi `errcode` as a string. */
  readonly code: string
  /** The oapi `errcode`, when the error came from oapi. */
  readonly errcode: number | undefined
  /** The oapi `sub_code` of an `errcode 88` answer (a string, e.g. `"40014"`). */
  readonly subCode: string | undefined
  /** DingTalk's request id (`requestid` / `request_id`). */
  readonly requestId: string | undefined
  /** v1.0 `accessdenieddetail.requiredScopes`. */
  readonly requiredScopes: readonly string[] | undefined
  /** DingTalk's own message, for logs only. */
  readonly dingTalkMessage: string

  constructor(init: {
    endpoint: string
    status: number
    code: string
    errcode?: number
    subCode?: string
    requestId?: string
    requiredScopes?: readonly string[]
    dingTalkMessage: string
  }) {
    super(
      `DingTalk ${init.endpoint} answered ${init.code}${init.subCode ? `/${init.subCode}` : ''}: ${init.dingTalkMessage}`,
    )
    this.name = 'DingTalkApiError'
    this.endpoint = init.endpoint
    this.status = init.status
    this.code = init.code
    this.errcode = init.errcode
    this.subCode = init.subCode
    this.requestId = init.requestId
    this.requiredScopes = init.requiredScopes
    this.dingTalkMessage = init.dingTalkMessage
  }
}

/** DingTalk answered something that is neither a result nor one of its error bodies (HTML, a missing field…). */
export class UnexpectedResponseError extends Error {
  /** `METHOD /path` of the call. */
  readonly endpoint: string
  /** The HTTP status. */
  readonly status: number
  /** The body (parsed JSON, or at most 500 characters of text). */
  readonly data: unknown

  constructor(endpoint: string, status: number, data: unknown, reason: string) {
    super(`DingTalk ${endpoint} answered unexpectedly (HTTP ${status}): ${reason}`)
    this.name = 'UnexpectedResponseError'
    this.endpoint = endpoint
    this.status = status
    this.data = data
  }
}

/** Per-call options of every {@link DDInnerClient} method. */
export interface DingTalkCallOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal
  /** Overrides the client's timeout for this call, in ms. */
  timeoutMs?: number
  /** Called before each HTTP request of the call (retries included), e.g. to count what a sync costs. */
  onRequest?: (endpoint: string) => void
}

/** Retry policy for idempotent calls. */
export interface DingTalkRetryOptions {
  /** Retries after the first attempt. @default 2 */
  retries?: number
  /** First backoff delay; doubles each retry, with ±50 % jitter. @default 100 */
  baseDelayMs?: number
  /** Cap of one backoff delay. @default 2_000 */
  maxDelayMs?: number
}

/** Options of {@link DDInnerClient}. */
export interface DDInnerClientOptions {
  /** v1.0 API origin. @default 'https://api.dingtalk.com' */
  apiBase?: string
  /** oapi origin. @default 'https://oapi.dingtalk.com' */
  oapiBase?: string
  /** Login page origin. @default 'https://login.dingtalk.com' */
  loginBase?: string
  /** `fetch` to use; looked up at call time when not given (late-bound, so test doubles installed later work). */
  fetch?: typeof fetch
  /** Timeout of one HTTP call, in ms. @default 5_000 */
  timeoutMs?: number
  /** Clock for token expiry. @default Date.now */
  now?: () => number
  /** App-token cache (shared between clients of the same app and, with Redis, between processes). @default in-memory */
  tokenCache?: TokenCache
  /** Refresh the app token this long before it expires. @default 300_000 */
  tokenRefreshMarginMs?: number
  /** Retry policy for idempotent calls. */
  retry?: DingTalkRetryOptions
  /** Logger (already masking). @default silent */
  logger?: Logger
  /** Jitter source, in [0, 1). @default Math.random */
  random?: () => number
}

/** The credentials of one internal DingTalk app. */
export interface DDInnerClientCredentials {
  /** AppKey (Client ID). */
  appKey: string
  /** AppSecret (Client Secret). Never leaves the server. */
  appSecret: string
  /** The app's corp, if known. */
  corpId?: string
}

/** Result of the app-token call. */
export interface AppAccessToken {
  accessToken: string
  /** `expireIn` in seconds, or `null` when DingTalk sent none. */
  expiresInSeconds: number | null
}

/** Result of exchanging an OAuth authCode (`userAccessToken`). */
export interface UserAccessToken {
  accessToken: string
  refreshToken: string | undefined
  expiresInSeconds: number | null
  /** The corp the user chose; only when the login scope had `corpid`. */
  corpId: string | undefined
}

/** The person behind a user token (`GET /v1.0/contact/users/me`). */
export interface DingTalkCurrentUser {
  unionId: string
  openId: string | undefined
  nick: string | undefined
  avatarUrl: string | undefined
  /** Needs `Contact.User.mobile`. */
  mobile: string | undefined
  stateCode: string | undefined
  email: string | undefined
  raw: Record<string, unknown>
}

/** The employee behind a free-login code (`topapi/v2/user/getuserinfo`). */
export interface DingTalkCodeUser {
  /** The corp-scoped userid (a string; never parse it as a number). */
  userid: string
  unionid: string | undefined
  name: string | undefined
  /** Is an admin. */
  sys: boolean | undefined
  /** 1 main admin, 2 sub-admin, 100 boss, 0 other. */
  sysLevel: number | undefined
  deviceId: string | undefined
  associatedUnionid: string | undefined
  requestId: string | undefined
}

/** Result of `topapi/user/getbyunionid`. */
export interface DingTalkUserIdByUnionId {
  userid: string
  /** 0 internal employee, 1 external contact. */
  contactType: number
}

/** The employee record of `topapi/v2/user/get` (the fields login uses; everything is in `raw`). */
export interface DingTalkUserDetail {
  userid: string
  unionid: string | undefined
  name: string | undefined
  avatar: string | undefined
  mobile: string | undefined
  stateCode: string | undefined
  jobNumber: string | undefined
  title: string | undefined
  email: string | undefined
  orgEmail: string | undefined
  /** Epoch ms. */
  hiredDate: number | undefined
  active: boolean | undefined
  admin: boolean | undefined
  deptIdList: number[]
  raw: Record<string, unknown>
}

/** Parameters of {@link DDInnerClient.createAuthorizationUrl}. */
export interface AuthorizationUrlParams {
  redirectUri: string
  state: string
  /** @default 'openid' */
  scope?: string
  /** Pre-selects the organisation (only with the `corpid` scope). */
  corpId?: string
  /** @default 'consent' */
  prompt?: string
}

type Json = Record<string, unknown>

/**
 * The DingTalk API client of one internal app (arctic style): one method per protocol step, typed results,
 * typed errors, an app-token cache with one fetch in flight, retries for idempotent calls only.
 */
export class DDInnerClient {
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
   * The URL of DingTalk's login page for the full-page redirect flow (dingtalk-protocol.md §2.1).
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
        if (attempt >= this.retries || !isRetryable(error) || options.signal?.aborted) throw error
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
    // DingTalk: the gateway also accepts capitalised Code / Message / RequestId (dingtalk-protocol.md §4.1).
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

/**
 * True when DingTalk rejected the app token as invalid or expired (oapi `88`/`40014`, `40014`, `42001`,
 * `40001`; v1.0 `InvalidAuthentication`): worth one refetch.
 */
export function isInvalidAppTokenError(error: unknown): boolean {
  if (!(error instanceof DingTalkApiError)) return false
  if (error.errcode === 88) return error.subCode === '40014' || error.subCode === '42001'
  if (error.errcode !== undefined)
    return error.errcode === 40014 || error.errcode === 42001 || error.errcode === 40001
  return error.code === 'InvalidAuthentication'
}

/** True for DingTalk throttling answers (oapi `90001`–`90014`, `88`/`90002`; v1.0 `Forbidden.AccessDenied.Qp*`, 429). */
export function isThrottledError(error: unknown): boolean {
  if (error instanceof DingTalkApiError) {
    if (error.errcode !== undefined) {
      return (
        (error.errcode >= 90001 && error.errcode <= 90014) ||
        (error.errcode === 88 && error.subCode === '90002')
      )
    }
    return (
      error.status === 429 ||
      /^Forbidden\.AccessDenied\.Qp[sm]Limit/.test(error.code) ||
      error.code === 'qps.exceed.limit' ||
      error.code === 'request.overlimit' ||
      /^Throttling/.test(error.code)
    )
  }
  // DingTalk: an IP ban answers a non-standard body ({"status":1111,"punish":"deny",…}) or HTML.
  if (error instanceof UnexpectedResponseError) {
    return error.status === 429 || (isObject(error.data) && error.data.punish === 'deny')
  }
  return false
}

/** True for "try again later" answers: system busy (`-1`) or a 5xx from DingTalk. */
export function isBusyError(error: unknown): boolean {
  if (error instanceof DingTalkApiError) return error.errcode === -1 || error.status >= 500
  if (error instanceof UnexpectedResponseError) return error.status >= 500
  return false
}

function isRetryable(error: unknown): boolean {
  return error instanceof DingTalkFetchError || isThrottledError(error) || isBusyError(error)
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

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

// DingTalk: docs show numbers and booleans as strings at times ("boss":"true"); parse tolerantly.
function optionalNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value)
  return null
}

function optionalBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

function numberList(value: unknown): number[] {
  if (!Array.isArray(value)) return []
  return value.map(optionalNumber).filter((n): n is number => n !== null)
}

function requireString(endpoint: string, body: Json, key: string): string {
  const value = optionalString(body[key])
  if (value === undefined)
    throw new UnexpectedResponseError(endpoint, 200, undefined, `no ${key} in the answer`)
  return value
}

// DingTalk: a userid is a string that may be all digits with a leading 0; never turn it into a number.
function requireId(endpoint: string, body: Json, key: string): string {
  const value = body[key]
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  throw new UnexpectedResponseError(endpoint, 200, undefined, `no ${key} in the answer`)
}

function requireObject(endpoint: string, body: Json, key: string): Json {
  const value = body[key]
  if (!isObject(value))
    throw new UnexpectedResponseError(endpoint, 200, undefined, `no ${key} object in the answer`)
  return value
}
