/** Options of the HTTP callbacks (the `callbacks` option of `startEmulator`). Every *[U]* default is a best guess. */
export interface CallbackOptions {
  /** How long DingTalk waits for the answer; a slower answer is a failure. @default 1500 */
  timeoutMs?: number
  /**
   * *[U]* Delays before each retry of a failed push; after the last one the push is kept as a failed result
   * (`GET /v1.0/event/callbacks/failedResults`). @default [1000, 10000, 60000]
   */
  retryDelaysMs?: number[]
  /**
   * *[U]* How a retry is signed: `'fresh'` seals and signs it anew (a new timestamp and nonce), `'original'` sends
   * the first request again as it was, its timestamp as old as the first attempt (whether DingTalk re-signs is not
   * documented). @default 'fresh'
   */
  retrySigning?: 'fresh' | 'original'
  /**
   * *[U]* The `$key` sealed in each plaintext when the fixture's `callback.key` is absent: the app's clientId
   * (AppKey, internal apps) or its corpId (one DingTalk staff comment). @default 'clientId'
   */
  key?: 'clientId' | 'corpId'
  /** *[U]* Query parameter names: `signature`/`timestamp`/`nonce`, or `msg_signature`/`timeStamp`/`nonce`. @default 'signature' */
  queryParams?: 'signature' | 'msg_signature'
  /** *[U]* Payload spelling: `userId`/`deptId`/`timeStamp` (current), or `UserId`/`DeptId`/`TimeStamp` (older). @default 'current' */
  payloadSpelling?: 'current' | 'legacy'
  /** Run the `check_url` handshake with every registered callback when the emulator starts. @default true */
  checkOnStart?: boolean
  /**
   * Failed pushes kept per app for `failedResults`; past it the oldest is dropped. DingTalk documents no limit: a
   * bound of the emulator's own, so that one running for days with a dead callback does not grow. @default 10000
   */
  maxFailedResults?: number
}

export type ResolvedCallbackOptions = Required<CallbackOptions>

export function resolveCallbackOptions(options: CallbackOptions = {}): ResolvedCallbackOptions {
  const timeoutMs = options.timeoutMs ?? 1500
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError(`callbacks.timeoutMs must be a number > 0, got ${timeoutMs}`)
  const retryDelaysMs = options.retryDelaysMs ?? [1000, 10_000, 60_000]
  if (options.retrySigning !== undefined && !['fresh', 'original'].includes(options.retrySigning))
    throw new RangeError(
      `callbacks.retrySigning must be 'fresh' or 'original', got ${String(options.retrySigning)}`,
    )
  if (!Array.isArray(retryDelaysMs) || retryDelaysMs.some((d) => !Number.isFinite(d) || d < 0))
    throw new RangeError('callbacks.retryDelaysMs must be an array of numbers >= 0')
  const maxFailedResults = options.maxFailedResults ?? 10_000
  if (!Number.isSafeInteger(maxFailedResults) || maxFailedResults < 1)
    throw new RangeError(`callbacks.maxFailedResults must be a whole number >= 1, got ${maxFailedResults}`)
  return {
    timeoutMs,
    retryDelaysMs: [...retryDelaysMs],
    retrySigning: options.retrySigning ?? 'fresh',
    key: options.key ?? 'clientId',
    queryParams: options.queryParams ?? 'signature',
    payloadSpelling: options.payloadSpelling ?? 'current',
    checkOnStart: options.checkOnStart ?? true,
    maxFailedResults,
  }
}
