import { DingTalkApiError } from '../dingtalk/DingTalkApiError'
import { DingTalkFetchError } from '../dingtalk/DingTalkFetchError'
import { isBusyError, isQuotaExhaustedError, isThrottledError } from '../dingtalk/errorPredicates'
import { UnexpectedResponseError } from '../dingtalk/UnexpectedResponseError'
import { DingTalkAuthError, isDingTalkAuthError } from '../errors'

// DingTalk: codes that mean "this auth code is unknown, used, expired or of the other kind" (protocol §4.4, App. B).
const CODE_INVALID_ERRCODES = new Set([40078, 42008, 40029, 42003, 41026])
const CONFIG_ERRCODES = new Set([40001, 40089, 40096, 40013, 33001, 60020, 43007])
const CONFIG_CODES = new Set([
  'invalidClientIdOrSecret',
  'unauthorized.client',
  'invalid.client',
  'Forbidden.AccessDenied.IpNotInWhiteList',
])

/**
 * Maps anything thrown during a login to a {@link DingTalkAuthError} (the one place that decides codes):
 * DingTalk client errors by their DingTalk code, everything unknown to `server_error`. The original error is kept
 * as `cause`; DingTalk's message never reaches `message`.
 */
export function toDingTalkAuthError(error: unknown): DingTalkAuthError {
  if (isDingTalkAuthError(error)) return error
  if (error instanceof DingTalkFetchError) {
    return new DingTalkAuthError(error.timedOut ? 'upstream_timeout' : 'upstream_unavailable', {
      cause: error,
      detail: error.message,
    })
  }
  if (error instanceof DingTalkApiError) {
    const base = { cause: error, ...(error.requestId ? { requestId: error.requestId } : {}) }
    const detail = `DingTalk ${error.endpoint} answered ${error.code}${error.subCode ? `/${error.subCode}` : ''}`
    if (
      (error.errcode !== undefined && CODE_INVALID_ERRCODES.has(error.errcode)) ||
      (error.errcode === undefined && /authCode|^invalidParameter\.code|invalid_grant/i.test(error.code))
    ) {
      return new DingTalkAuthError('code_invalid', { ...base, detail })
    }
    if (
      error.code === 'Forbidden.AccessDenied.AccessTokenPermissionDenied' ||
      error.code === 'apiPermissionDenied' ||
      error.errcode === 60011 ||
      error.errcode === 50002
    ) {
      // DingTalk: 50002 is not a missing API permission but a person outside the app's visible range (可使用范围).
      const why =
        error.errcode === 50002
          ? ": the person is outside the app's visible range (可使用范围); widen it in the developer console"
          : error.requiredScopes?.length
            ? ` (missing ${error.requiredScopes.join(', ')})`
            : ''
      return new DingTalkAuthError('permission_denied', {
        ...base,
        missingScopes: error.requiredScopes ?? [],
        detail: `${detail}${why}`,
      })
    }
    if (
      error.errcode === 60121 ||
      error.errcode === 60111 ||
      error.code === 'invalidParameter.user.notFound'
    ) {
      return new DingTalkAuthError('not_corp_member', { ...base, detail })
    }
    // Not `rate_limited`: neither the user nor the app is too fast, DingTalk serves the organisation nothing more
    // this month. The operator reads why in the log.
    if (isQuotaExhaustedError(error)) {
      return new DingTalkAuthError('upstream_unavailable', {
        ...base,
        detail: `${detail}: the organisation's monthly API quota is used up (upgrade its DingTalk edition or wait for next month)`,
      })
    }
    if (isThrottledError(error)) return new DingTalkAuthError('rate_limited', { ...base, detail })
    if (isBusyError(error)) return new DingTalkAuthError('upstream_unavailable', { ...base, detail })
    if (
      (error.errcode !== undefined && CONFIG_ERRCODES.has(error.errcode)) ||
      (error.errcode === undefined && CONFIG_CODES.has(error.code))
    ) {
      return new DingTalkAuthError('config_error', { ...base, detail })
    }
    return new DingTalkAuthError('upstream_error', { ...base, detail })
  }
  if (error instanceof UnexpectedResponseError) {
    const code = isThrottledError(error)
      ? 'rate_limited'
      : error.status >= 500
        ? 'upstream_unavailable'
        : 'upstream_error'
    return new DingTalkAuthError(code, { cause: error, detail: error.message })
  }
  return new DingTalkAuthError('server_error', { cause: error })
}
