import { DingTalkApiError } from './DingTalkApiError'
import { DingTalkFetchError } from './DingTalkFetchError'
import { isObject } from './jsonCoercers'
import { UnexpectedResponseError } from './UnexpectedResponseError'

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
  if (error instanceof UnexpectedResponseError) return error.status === 429 || isIpBannedError(error)
  return false
}

/**
 * True when DingTalk's gateway banned this server's IP for going over its rate limit: a non-standard body
 * `{"status":1111,"punish":"deny",…}` (even with HTTP 200). Throttling, but for minutes: no call gets through.
 */
export function isIpBannedError(error: unknown): boolean {
  return error instanceof UnexpectedResponseError && isObject(error.data) && error.data.punish === 'deny'
}

/**
 * True when the organisation's monthly API call quota is used up: oapi `90020` ("组织的接口调用量已达本月上限"), v1.0
 * `Forbidden.AccessDenied.ApiCountLimitForOrg`. No call succeeds until next month or an edition upgrade, so it is
 * never retried.
 */
export function isQuotaExhaustedError(error: unknown): boolean {
  if (!(error instanceof DingTalkApiError)) return false
  return error.errcode === 90020 || error.code === 'Forbidden.AccessDenied.ApiCountLimitForOrg'
}

/**
 * True when DingTalk knows no such person in the corp (oapi `60121`, "找不到该用户"): never in it, gone, or — for
 * `v2/user/get` — a userid the person had before they left and came back under a new one.
 */
export function isUserNotFoundError(error: unknown): boolean {
  return error instanceof DingTalkApiError && error.errcode === 60121
}

/** True for "try again later" answers: system busy (`-1`) or a 5xx from DingTalk. */
export function isBusyError(error: unknown): boolean {
  if (error instanceof DingTalkApiError) return error.errcode === -1 || error.status >= 500
  if (error instanceof UnexpectedResponseError) return error.status >= 500
  return false
}

/**
 * True for failures worth retrying an idempotent call for: network errors and timeouts, throttling, busy; never
 * a used-up monthly quota, whatever HTTP status it comes with.
 */
export function isRetryableError(error: unknown): boolean {
  if (isQuotaExhaustedError(error)) return false
  return error instanceof DingTalkFetchError || isThrottledError(error) || isBusyError(error)
}
