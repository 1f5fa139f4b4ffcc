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
