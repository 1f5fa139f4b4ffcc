/**
 * The stable error codes of the login API. They never change meaning between versions, so
 * clients may branch on them.
 */
export const DingTalkAuthErrorCode = {
  InvalidRequest: 'invalid_request',
  InvalidState: 'invalid_state',
  CodeInvalid: 'code_invalid',
  Unauthenticated: 'unauthenticated',
  InvalidSignature: 'invalid_signature',
  CorpMismatch: 'corp_mismatch',
  NotCorpMember: 'not_corp_member',
  UserNotBound: 'user_not_bound',
  PermissionDenied: 'permission_denied',
  UnknownCorp: 'unknown_corp',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  RateLimited: 'rate_limited',
  UpstreamError: 'upstream_error',
  UpstreamUnavailable: 'upstream_unavailable',
  UpstreamTimeout: 'upstream_timeout',
  ConfigError: 'config_error',
  ServerError: 'server_error',
} as const

/** One of the stable error codes in {@link DingTalkAuthErrorCode}. */
export type DingTalkAuthErrorCode = (typeof DingTalkAuthErrorCode)[keyof typeof DingTalkAuthErrorCode]

/** The HTTP status that goes with each error code. */
export const DINGTALK_AUTH_ERROR_STATUS: Readonly<Record<DingTalkAuthErrorCode, number>> = {
  invalid_request: 400,
  invalid_state: 400,
  code_invalid: 401,
  unauthenticated: 401,
  invalid_signature: 401,
  corp_mismatch: 403,
  not_corp_member: 403,
  user_not_bound: 403,
  permission_denied: 403,
  unknown_corp: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  upstream_error: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  config_error: 500,
  server_error: 500,
}

/** Languages the user-facing messages exist in. */
export type DingTalkAuthLocale = 'zh-CN' | 'en'

/** User-facing messages: safe to show, never containing DingTalk's raw text, a secret or a code. */
export const DINGTALK_AUTH_ERROR_MESSAGES: Readonly<
  Record<DingTalkAuthErrorCode, Readonly<Record<DingTalkAuthLocale, string>>>
> = {
  invalid_request: { 'zh-CN': '请求参数无效', en: 'The request is invalid' },
  invalid_state: {
    'zh-CN': '登录状态无效或已过期，请重新登录',
    en: 'The login state is invalid or expired; please sign in again',
  },
  code_invalid: {
    'zh-CN': '授权码无效、已使用或已过期，请重新登录',
    en: 'The authorization code is invalid, used or expired; please sign in again',
  },
  unauthenticated: {
    'zh-CN': '未登录或登录已失效，请重新登录',
    en: 'You are not signed in, or your session has ended; please sign in',
  },
  invalid_signature: {
    'zh-CN': '回调签名无效或已过期',
    en: 'The callback signature is invalid or expired',
  },
  corp_mismatch: {
    'zh-CN': '所选组织与本应用的组织不一致',
    en: 'The organization you chose is not the organization of this application',
  },
  not_corp_member: { 'zh-CN': '你不是该组织的成员', en: 'You are not a member of this organization' },
  user_not_bound: {
    'zh-CN': '该钉钉账号尚未绑定本系统账号',
    en: 'This DingTalk account is not linked to an account here',
  },
  permission_denied: {
    'zh-CN': '应用缺少所需的钉钉接口权限，请联系管理员',
    en: 'The application lacks a DingTalk permission it needs; please contact the administrator',
  },
  unknown_corp: {
    'zh-CN': '未配置该组织的钉钉登录',
    en: 'DingTalk login is not configured for this organization',
  },
  payload_too_large: { 'zh-CN': '请求体过大', en: 'The request body is too large' },
  unsupported_media_type: { 'zh-CN': '请求体必须是 JSON', en: 'The request body must be JSON' },
  rate_limited: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; please try again later' },
  upstream_error: {
    'zh-CN': '钉钉返回了异常结果，请稍后再试',
    en: 'DingTalk returned an unexpected answer; please try again later',
  },
  upstream_unavailable: {
    'zh-CN': '钉钉服务暂时不可用，请稍后再试',
    en: 'DingTalk is unavailable; please try again later',
  },
  upstream_timeout: {
    'zh-CN': '钉钉服务响应超时，请稍后再试',
    en: 'DingTalk did not answer in time; please try again later',
  },
  config_error: {
    'zh-CN': '钉钉登录配置错误，请联系管理员',
    en: 'DingTalk login is misconfigured; please contact the administrator',
  },
  server_error: { 'zh-CN': '服务器内部错误', en: 'Internal server error' },
}

/** Options of a {@link DingTalkAuthError}. */
export interface DingTalkAuthErrorOptions {
  /** The underlying error (a DingTalk client error, a store error, …). Logged, never shown to users. */
  cause?: unknown
  /** DingTalk's request id when DingTalk answered, so support can trace the call. */
  requestId?: string
  /** For `permission_denied`: the DingTalk permission codes the app lacks, e.g. `['Contact.User.Read']`. */
  missingScopes?: readonly string[]
  /** For `invalid_request`: the request field that was wrong. */
  field?: string
  /** A developer-facing detail for logs (no secrets). Defaults to the English user-facing message. */
  detail?: string
}

/**
 * The one error class of the login core. `code` is stable, `status` the HTTP status for it, `message` a
 * developer-facing English text; use {@link DingTalkAuthError.userMessage} for what a user may see.
 * DingTalk's own message, if any, is only in `cause`.
 */
export class DingTalkAuthError extends Error {
  /** The stable error code. */
  readonly code: DingTalkAuthErrorCode
  /** The HTTP status for `code`. */
  readonly status: number
  /** DingTalk's request id, when the error came from a DingTalk answer. */
  readonly requestId: string | undefined
  /** For `permission_denied`: the DingTalk scopes the app is missing. */
  readonly missingScopes: readonly string[] | undefined
  /** For `invalid_request`: the offending field. */
  readonly field: string | undefined

  constructor(code: DingTalkAuthErrorCode, options: DingTalkAuthErrorOptions = {}) {
    super(options.detail ?? DINGTALK_AUTH_ERROR_MESSAGES[code].en, { cause: options.cause })
    this.name = 'DingTalkAuthError'
    this.code = code
    this.status = DINGTALK_AUTH_ERROR_STATUS[code]
    this.requestId = options.requestId
    this.missingScopes = options.missingScopes
    this.field = options.field
  }

  /** The user-facing message in the given language (never DingTalk's raw text). */
  userMessage(locale: DingTalkAuthLocale = 'en'): string {
    return DINGTALK_AUTH_ERROR_MESSAGES[this.code][locale]
  }

  /** The JSON error body of every refused request: `{ error: { code, message, requestId?, missingScopes?, field? } }`. */
  toJSON(locale: DingTalkAuthLocale = 'en'): {
    error: {
      code: DingTalkAuthErrorCode
      message: string
      requestId?: string
      missingScopes?: string[]
      field?: string
    }
  } {
    return {
      error: {
        code: this.code,
        message: this.userMessage(locale),
        ...(this.requestId ? { requestId: this.requestId } : {}),
        ...(this.missingScopes ? { missingScopes: [...this.missingScopes] } : {}),
        ...(this.field ? { field: this.field } : {}),
      },
    }
  }
}

/** True for a {@link DingTalkAuthError} (also across package copies). */
export function isDingTalkAuthError(error: unknown): error is DingTalkAuthError {
  return (
    error instanceof DingTalkAuthError ||
    (error instanceof Error &&
      error.name === 'DingTalkAuthError' &&
      typeof (error as DingTalkAuthError).code === 'string')
  )
}

/**
 * Picks the response language from an `Accept-Language` header: zh (any region) first in the list → `zh-CN`,
 * otherwise `en`.
 */
export function pickLocale(acceptLanguage: string | null | undefined): DingTalkAuthLocale {
  if (!acceptLanguage) return 'en'
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1, index }
    })
    .filter((entry) => entry.tag && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN'
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
  }
  return 'en'
}
