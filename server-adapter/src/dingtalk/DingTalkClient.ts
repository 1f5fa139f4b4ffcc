import type {
  DDInnerClientCredentials,
  DDInnerClientOptions,
  DingTalkCallOptions,
} from './DingTalkClientOptions'
import { DingTalkDirectoryClient } from './DingTalkDirectoryClient'
import { DINGTALK_API_BASE, DINGTALK_OAPI_BASE, DingTalkTransport, trimSlash } from './DingTalkTransport'
import {
  numberList,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireId,
  requireObject,
  requireString,
} from './jsonCoercers'
import type {
  AppAccessToken,
  AuthorizationUrlParams,
  DingTalkCodeUser,
  DingTalkCurrentUser,
  DingTalkUserDetail,
  DingTalkUserIdByUnionId,
  UserAccessToken,
} from './wireTypes'

export { DINGTALK_API_BASE, DINGTALK_OAPI_BASE }
/** The real DingTalk login page origin. */
export const DINGTALK_LOGIN_BASE = 'https://login.dingtalk.com'

const APP_ACCESS_TOKEN_ENDPOINT = '/v1.0/oauth2/accessToken'
const USER_ACCESS_TOKEN_ENDPOINT = '/v1.0/oauth2/userAccessToken'
const CURRENT_USER_ENDPOINT = '/v1.0/contact/users/me'
const USER_INFO_BY_CODE_ENDPOINT = '/topapi/v2/user/getuserinfo'
const USER_ID_BY_UNION_ID_ENDPOINT = '/topapi/user/getbyunionid'
const USER_DETAIL_ENDPOINT = '/topapi/v2/user/get'
const AUTHORIZE_ENDPOINT = '/oauth2/auth'

/** The permission of the member look-ups, for `60011` answers that name none. */
const MEMBER_SCOPE = 'qyapi_get_member'

/**
 * The DingTalk API client of one internal app (arctic style): one method per protocol step, typed results,
 * typed errors, an app-token cache with one fetch in flight, retries for idempotent calls only. The directory
 * calls are on {@link DingTalkClient.directory}.
 */
export class DingTalkClient {
  /** The app's AppKey (Client ID). */
  readonly appKey: string
  /** The app's corp, when configured. */
  readonly corpId: string | undefined
  /** Departments, their people and leave records, over this client's token cache, timeouts and retries. */
  readonly directory: DingTalkDirectoryClient
  /** A `#private` field: never enumerable, so `JSON.stringify` / `util.inspect` of the client cannot show it. */
  readonly #appSecret: string
  readonly #loginBase: string
  readonly #transport: DingTalkTransport

  constructor(credentials: DDInnerClientCredentials, options: DDInnerClientOptions = {}) {
    this.appKey = credentials.appKey
    this.#appSecret = credentials.appSecret
    this.corpId = credentials.corpId
    this.#loginBase = trimSlash(options.loginBase ?? DINGTALK_LOGIN_BASE)
    this.#transport = new DingTalkTransport({
      appKey: this.appKey,
      fetchAppToken: () => this.getAppAccessToken(),
      options,
    })
    this.directory = new DingTalkDirectoryClient(this.#transport)
  }

  /**
   * The URL of DingTalk's login page for the full-page redirect flow.
   */
  createAuthorizationUrl(params: AuthorizationUrlParams): URL {
    const url = new URL(`${this.#loginBase}${AUTHORIZE_ENDPOINT}`)
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
    const transport = this.#transport
    const body = await transport.retried(endpoint, options, () =>
      transport.callV1({
        endpoint,
        url: `${transport.apiBase}${APP_ACCESS_TOKEN_ENDPOINT}`,
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
    return this.#transport.tokens.get()
  }

  /** Drops a cached app token that DingTalk rejected (only if it is still the cached one). */
  invalidateAppAccessToken(token: string): Promise<void> {
    return this.#transport.tokens.invalidate(token)
  }

  /**
   * Exchanges an OAuth authCode for a user token (`POST /v1.0/oauth2/userAccessToken`). Never retried: a code
   * is single use.
   */
  async getUserAccessToken(authCode: string, options: DingTalkCallOptions = {}): Promise<UserAccessToken> {
    const endpoint = `POST ${USER_ACCESS_TOKEN_ENDPOINT}`
    const body = await this.#transport.callV1({
      endpoint,
      url: `${this.#transport.apiBase}${USER_ACCESS_TOKEN_ENDPOINT}`,
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
    const transport = this.#transport
    const body = await transport.retried(endpoint, options, () =>
      transport.callV1({
        endpoint,
        url: `${transport.apiBase}${CURRENT_USER_ENDPOINT}`,
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
    const transport = this.#transport
    const body = await transport.withAppToken((token) =>
      transport.callOapi({ endpoint, path: USER_INFO_BY_CODE_ENDPOINT, token, body: { code }, options }),
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
    const body = await this.#transport.readOapi({
      endpoint,
      path: USER_ID_BY_UNION_ID_ENDPOINT,
      body: { unionid: unionId },
      options,
      requiredScope: MEMBER_SCOPE,
    })
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
    const body = await this.#transport.readOapi({
      endpoint,
      path: USER_DETAIL_ENDPOINT,
      body: { userid, language: options.language ?? 'zh_CN' },
      options,
      requiredScope: MEMBER_SCOPE,
    })
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
}

/** The seed's name of {@link DingTalkClient}, kept for code written against it. */
export const DDInnerClient = DingTalkClient
/** The seed's name of {@link DingTalkClient}, kept for code written against it. */
export type DDInnerClient = DingTalkClient
