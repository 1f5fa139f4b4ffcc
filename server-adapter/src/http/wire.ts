import type { DingTalkLoginBinding, DingTalkLoginResult } from '../login/loginResult'

/**
 * The wire contract: the JSON bodies the routes send, declared once. The React package's types are checked
 * against these (`test/types/wireContract.test-d.ts`).
 */

/** The body of `GET /config`: what a browser needs to show the QR login, never a secret. */
export interface DingTalkPublicLoginConfig {
  appKey: string
  /** The corp of the instance. */
  corpId?: string
  /** The login state; the browser binding that proves it travels in an HttpOnly cookie. */
  state: string
  redirectUri: string
  scope: string
  /** Origin of DingTalk's login pages (QR iframe messages come from it). */
  loginOrigin: string
  /** URL of `ddlogin.js`. */
  scriptSrc: string
}

/** The built-in session of a login answer. */
export interface DingTalkSessionToken {
  /** The session JWT; also set as an HttpOnly cookie. Send it as `Authorization: Bearer` where cookies are dropped. */
  token: string
  /** Epoch ms. */
  expiresAt: number
}

/** The body of a successful `POST /login/qr` or `/login/workbench`. */
export interface DingTalkLoginResponse extends DingTalkLoginResult {
  /** Present with built-in sessions; absent when the host takes the login with `onLogin`. */
  session?: DingTalkSessionToken
}

/** The signed-in person as `GET /session` answers it (and `auth.getSession` returns it). */
export interface DingTalkSessionView {
  user: DingTalkLoginResult['user']
  binding: DingTalkLoginBinding
}

/** The body of every refusal: a stable code and a message in the asked language. */
export interface DingTalkErrorResponse {
  error: {
    code: string
    message: string
    /** DingTalk's request id, when DingTalk answered. */
    requestId?: string
    /** For `permission_denied`: the DingTalk permissions the app lacks. */
    missingScopes?: string[]
    /** For `invalid_request`: the offending field. */
    field?: string
  }
}
