/**
 * Stable codes of {@link DingTalkLoginError}. Branch on these, never on `message`.
 */
export const DingTalkLoginErrorCode = {
  /** No browser (server rendering), or not inside DingTalk where the flow needs it. */
  Environment: 'environment',
  /** `ddlogin.js` or `dingtalk-jsapi` failed to load, or loaded without its global. */
  SdkLoadFailed: 'sdk-load-failed',
  /** The QR iframe or the DingTalk bridge reported a failure, or gave no code in time. */
  AuthCodeFailed: 'auth-code-failed',
  /** The `state` that came back is not the one this page asked for. */
  StateMismatch: 'state-mismatch',
  /** The backend answered with an error, or could not be reached. */
  ExchangeFailed: 'exchange-failed',
  /** A step took longer than its timeout. */
  Timeout: 'timeout',
  /**
   * A setup mistake that would leave the QR login waiting forever: the page is not on the origin of the backend's
   * `redirectUri` (a dev proxy; set the server's `publicOrigin`), or the QR frame is not on the config's
   * `loginOrigin`. The message names both origins and the fix.
   */
  OriginMismatch: 'origin-mismatch',
} as const

/** One of the values of {@link DingTalkLoginErrorCode}. */
export type DingTalkLoginErrorCode = (typeof DingTalkLoginErrorCode)[keyof typeof DingTalkLoginErrorCode]

/** Options of {@link DingTalkLoginError}. */
export interface DingTalkLoginErrorOptions {
  /** The underlying error, for logs; never shown to the user. */
  cause?: unknown
  /** The backend's stable error code, e.g. `code_invalid`, when the backend answered one. */
  serverCode?: string
  /** DingTalk's request id, when the backend passed one on: quote it to DingTalk support. */
  requestId?: string
  /** The HTTP status of the backend's error answer. */
  status?: number
}

/**
 * The only error type the SDK hands to `onError` and rejects with.
 *
 * @example
 * ```ts
 * onError={(error) => {
 *   if (error.code === 'exchange-failed' && error.serverCode === 'not_corp_member') showNotMember()
 * }}
 * ```
 */
export class DingTalkLoginError extends Error {
  // `declare`d and set in the constructor: an ES2018 build would otherwise emit a defineProperty helper per field,
  // which would also overwrite them with `undefined` after `Object.assign`.
  /** Stable client-side code. */
  declare readonly code: DingTalkLoginErrorCode
  /** The backend's error code, when there is one. */
  declare readonly serverCode: string | undefined
  /** DingTalk's request id, when the backend passed one on. */
  declare readonly requestId: string | undefined
  /** The HTTP status of the backend's error answer, when the backend answered with an error. */
  declare readonly status: number | undefined

  constructor(code: DingTalkLoginErrorCode, message: string, options?: DingTalkLoginErrorOptions) {
    // Error itself takes `cause` from the options; `Object.assign` skips them when missing.
    super(message, options)
    Object.assign(this, options, { name: 'DingTalkLoginError', code })
  }
}

/** True when `value` is a {@link DingTalkLoginError}, also across bundle copies. */
export function isDingTalkLoginError(value: unknown): value is DingTalkLoginError {
  return (
    value instanceof DingTalkLoginError ||
    (value instanceof Error &&
      value.name === 'DingTalkLoginError' &&
      Object.values<unknown>(DingTalkLoginErrorCode).includes((value as { code?: unknown }).code))
  )
}
