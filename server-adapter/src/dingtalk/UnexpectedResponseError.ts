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
