import type { CallbackOptions } from './callbacks/CallbackOptions'
import type { EmulatorClock } from './createEmulatorClock'
import type { EmulatorFixture } from './fixture/EmulatorFixture'
import type { StreamOptions } from './stream/StreamOptions'

/** A v1.0 error the emulator answers with: HTTP status plus the `{ code, message }` of the body. */
export interface V1ErrorSpec {
  status: number
  code: string
  message: string
}

/** A message the QR iframe posts to the embedding page on failure. */
export interface IframeErrorSpec {
  errorCode: number
  errorMsg: string
}

/** The per-IP rate limit of DingTalk's gateway. */
export interface IpRateLimit {
  /** Calls allowed per window. @default 10000 */
  calls: number
  /** @default 20000 */
  windowMs: number
  /** How long the IP stays banned (non-JSON `{"status":1111,…}` answers). @default 300000 */
  banMs: number
}

/**
 * Options of {@link startEmulator}. Every option marked *[U]* models a fact the protocol file marks uncertain; the
 * default is the protocol's best guess.
 */
export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one. @default 0 (the CLI defaults to 4100) */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
  /** Replaces the default fixture. @default defaultFixture */
  fixture?: EmulatorFixture
  /** Added to every DingTalk API call (v1.0 and oapi), not to test-API calls or pages. @default 0 */
  latencyMs?: number
  /** @default createEmulatorClock() */
  clock?: EmulatorClock
  /** *[U]* OAuth authCode lifetime. @default 300000 */
  oauthCodeTtlMs?: number
  /** Free-login code lifetime ("5分钟有效"). @default 300000 */
  freeLoginCodeTtlMs?: number
  /** *[U]* QR session lifetime before the iframe refreshes it. @default 180000 */
  qrTtlMs?: number
  /** App and user access-token lifetime (`expireIn` 7200). @default 7200000 */
  accessTokenTtlMs?: number
  /** Refresh-token lifetime (30 days). @default 2592000000 */
  refreshTokenTtlMs?: number
  /** *[U]* Full-page redirect: `code` + `authCode` (observed) or `authCode` only (documented). @default 'both' */
  callbackParams?: 'both' | 'authCode'
  /** *[U]* Whether the iframe's `redirectUrl` also carries `code=`. @default 'authCode' */
  iframeCallbackParams?: 'both' | 'authCode'
  /** *[U]* `targetOrigin` of the iframe's postMessage: the origin of `redirect_uri`, or `'*'`. @default 'redirectUri' */
  iframeTargetOrigin?: 'redirectUri' | '*'
  /**
   * *[U]* Whether the iframe also posts status messages without `success` (observed; ddlogin.js hands them to
   * `errorCbk(undefined)`). @default true
   */
  iframeStatusMessages?: boolean
  /**
   * *[U]* iframe failure messages: `refused` when the user refuses on the phone, `notInCorp` when the `corpid` scope
   * (or `exclusiveCorpId`/`org_type`) needs an org the user is not in (observed: 11055 "操作失败，你不在组织内").
   * @default { refused: { errorCode: 11021, errorMsg: '用户取消了授权' }, notInCorp: { errorCode: 11055, errorMsg: '操作失败，你不在组织内' } }
   */
  iframeErrors?: { refused?: IframeErrorSpec; notInCorp?: IframeErrorSpec }
  /** *[U]* `error` value of the full-page denial redirect `?error=…&state=…`. @default 'access_denied' */
  redirectDenialError?: string
  /** *[U]* HTTP status of the login page's error page (bad client_id, redirect_uri, …). @default 200 */
  loginPageErrorStatus?: number
  /** *[U]* Also serve `/oauth2/challenge.htm` as the login page (an undocumented entry point). @default true */
  challengePage?: boolean
  /** Approve every login at once as this user (full page: immediate 302; iframe: posts at once). @default undefined */
  autoLogin?: { userid: string; corpId?: string } | { unionId: string; corpId?: string }
  /** *[U]* Accept a free-login code at `userAccessToken` (never observed). @default false */
  freeLoginCodeForUserToken?: boolean
  /** *[U]* Accept app tokens at `/v1.0/contact/users/{unionId}` (the docs say a user token is required). @default false */
  appTokenForContactUser?: boolean
  /** *[U]* Whether a `gettoken` token is also valid in the v1.0 header (one shared app-token store). @default true */
  legacyTokenInV1?: boolean
  /** *[U]* v1.0 answer to a missing or non-JSON body. @default { status: 400, code: 'MissingBody', message: 'body is mandatory for this action.' } */
  v1MissingBody?: V1ErrorSpec
  /** *[U]* `userAccessToken` with an invalid/used/expired code (code `invalidParameter.authCode.notFound`). @default 400 */
  authCodeNotFoundStatus?: number
  /** *[U]* `userAccessToken` with a bad clientId/clientSecret. @default { status: 400, code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' } */
  userTokenBadClient?: V1ErrorSpec
  /** *[U]* `userAccessToken` with a bad refresh token. @default { status: 400, code: 'invalidParameter.refreshToken.notFound', message: '不合法的refreshToken' } */
  userTokenBadRefreshToken?: V1ErrorSpec
  /** *[U]* Whether the `refresh_token` grant issues a new refresh token. @default false */
  rotateRefreshToken?: boolean
  /** *[U]* oapi answer (`getuserinfo`, `v2/user/get`, `getbyunionid`) for a person outside the app's visible range. @default { errcode: 50002, errmsg: '员工不在授权范围' } */
  outOfScopeError?: { errcode: number; errmsg: string }
  /** *[U]* errcode of the legacy `GET /user/getuserinfo` for a bad code (40029 in the old doc). @default 40078 */
  legacyInvalidCodeErrcode?: number
  /** *[U]* Permission `topapi/v2/user/getuserinfo` needs beyond an app token; null = none. @default null */
  getUserInfoPermission?: string | null
  /**
   * Permissions that gate fields of `topapi/v2/user/get` (企业员工手机号信息 → mobile/state_code, 邮箱等个人信息 →
   * email/work_place/remark/extension); null = not gated. @default { mobile: 'fieldMobile', email: 'fieldEmail' }
   */
  userGetFieldPermissions?: { mobile: string | null; email: string | null }
  /** *[U]* Whether the container shim answers `requestAuthCode` with `{ code }` or `{ code, authCode }`. @default 'code' */
  containerResultKeys?: 'code' | 'both'
  /** *[U]* `errorCode` the container shim fails with when the emulator refuses a free-login code. @default '7' */
  containerErrorCode?: string
  /** *[U]* `request_id` in `gettoken` answers (the doc and observed bodies have none). @default false */
  gettokenRequestId?: boolean
  /**
   * *[U]* Permissions `topapi/v2/user/list` and `topapi/user/listid` need (Casdoor's users needed
   * `qyapi_get_department_list` too). @default ['qyapi_get_department_member']
   */
  userListPermissions?: string[]
  /** *[U]* Permission `GET /v1.0/contact/empLeaveRecords` needs. @default 'Contact.Common.Read' */
  leaveRecordsPermission?: string
  /**
   * How long a QR page may go without polling its session before the emulator treats the tab as closed: the
   * session expires and leaves the phone page's list. Real time, not the emulator clock. @default 15000
   */
  qrPageGoneAfterMs?: number
  /** Per-IP limit (10,000 calls / 20 s → banned 5 min); `false` turns it off. @default { calls: 10000, windowMs: 20000, banMs: 300000 } */
  ipRateLimit?: IpRateLimit | false
  /** Base URL pages and scripts point at, when it differs from the Host header (e.g. behind a proxy). @default undefined */
  publicUrl?: string
  /** Stream mode: ticket lifetime, redelivery delay, pings, `disconnect`, duplicates, events while offline. */
  stream?: StreamOptions
  /** HTTP callbacks: answer timeout, retries, `$key`, query and payload spellings, `check_url` at start. */
  callbacks?: CallbackOptions
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<
  Omit<
    EmulatorOptions,
    'fixture' | 'clock' | 'autoLogin' | 'publicUrl' | 'iframeErrors' | 'stream' | 'callbacks'
  >
> & {
  autoLogin: EmulatorOptions['autoLogin']
  publicUrl: string | undefined
  iframeErrors: { refused: IframeErrorSpec; notInCorp: IframeErrorSpec }
}

export function resolveEmulatorOptions(options: EmulatorOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    latencyMs: options.latencyMs ?? 0,
    oauthCodeTtlMs: options.oauthCodeTtlMs ?? 300_000,
    freeLoginCodeTtlMs: options.freeLoginCodeTtlMs ?? 300_000,
    qrTtlMs: options.qrTtlMs ?? 180_000,
    accessTokenTtlMs: options.accessTokenTtlMs ?? 7_200_000,
    refreshTokenTtlMs: options.refreshTokenTtlMs ?? 30 * 24 * 3_600_000,
    callbackParams: options.callbackParams ?? 'both',
    iframeCallbackParams: options.iframeCallbackParams ?? 'authCode',
    iframeTargetOrigin: options.iframeTargetOrigin ?? 'redirectUri',
    iframeStatusMessages: options.iframeStatusMessages ?? true,
    iframeErrors: {
      refused: options.iframeErrors?.refused ?? { errorCode: 11021, errorMsg: '用户取消了授权' },
      notInCorp: options.iframeErrors?.notInCorp ?? { errorCode: 11055, errorMsg: '操作失败，你不在组织内' },
    },
    redirectDenialError: options.redirectDenialError ?? 'access_denied',
    loginPageErrorStatus: options.loginPageErrorStatus ?? 200,
    challengePage: options.challengePage ?? true,
    autoLogin: options.autoLogin,
    freeLoginCodeForUserToken: options.freeLoginCodeForUserToken ?? false,
    appTokenForContactUser: options.appTokenForContactUser ?? false,
    legacyTokenInV1: options.legacyTokenInV1 ?? true,
    v1MissingBody: options.v1MissingBody ?? {
      status: 400,
      code: 'MissingBody',
      message: 'body is mandatory for this action.',
    },
    authCodeNotFoundStatus: options.authCodeNotFoundStatus ?? 400,
    userTokenBadClient: options.userTokenBadClient ?? {
      status: 400,
      code: 'invalidClientIdOrSecret',
      message: '无效的clientId或者clientSecret',
    },
    userTokenBadRefreshToken: options.userTokenBadRefreshToken ?? {
      status: 400,
      code: 'invalidParameter.refreshToken.notFound',
      message: '不合法的refreshToken',
    },
    rotateRefreshToken: options.rotateRefreshToken ?? false,
    outOfScopeError: options.outOfScopeError ?? { errcode: 50002, errmsg: '员工不在授权范围' },
    legacyInvalidCodeErrcode: options.legacyInvalidCodeErrcode ?? 40078,
    getUserInfoPermission: options.getUserInfoPermission ?? null,
    userGetFieldPermissions: options.userGetFieldPermissions ?? {
      mobile: 'fieldMobile',
      email: 'fieldEmail',
    },
    containerResultKeys: options.containerResultKeys ?? 'code',
    containerErrorCode: options.containerErrorCode ?? '7',
    gettokenRequestId: options.gettokenRequestId ?? false,
    userListPermissions: options.userListPermissions ?? ['qyapi_get_department_member'],
    leaveRecordsPermission: options.leaveRecordsPermission ?? 'Contact.Common.Read',
    qrPageGoneAfterMs: options.qrPageGoneAfterMs ?? 15_000,
    ipRateLimit: options.ipRateLimit ?? { calls: 10_000, windowMs: 20_000, banMs: 300_000 },
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
  }
}
