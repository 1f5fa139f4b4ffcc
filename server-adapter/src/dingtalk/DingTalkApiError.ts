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
