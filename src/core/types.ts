/** Which client the user logged in from; the backend records it with the session. */
export type LoginPlatform = 'web' | 'mobile'

/** The two login flows: the QR code in any browser, free login inside DingTalk. */
export type LoginType = 'qr' | 'workbench'

/** Languages of the built-in texts; also sent as `Accept-Language` so the backend answers in the same one. */
export type DingTalkLocale = 'zh-CN' | 'en'

/** What `GET {endpoint}/config` answers. Never contains a secret. */
export interface DingTalkLoginConfig {
  /** The app's Client ID (AppKey); `client_id` of the QR login and `clientId` of the new `requestAuthCode`. */
  appKey: string
  /** The corp the backend serves, when it knows one. */
  corpId?: string
  /** CSRF state for this login, also set as a cookie by the backend. Sent back with the code. */
  state: string
  /**
   * Registered redirect URL, not encoded. The page must be same-origin with it: DingTalk's QR frame posts the scan
   * to this URL's origin (the QR login ends in `origin-mismatch` otherwise).
   */
  redirectUri: string
  /** `openid` or `openid corpid`. */
  scope: string
  /** Origin of DingTalk's login pages: `https://login.dingtalk.com`, or the emulator's. */
  loginOrigin: string
  /** URL of `ddlogin.js`: the official CDN, or the emulator's copy. */
  scriptSrc: string
}

/** The user's DingTalk account as the backend bound it. Fields DingTalk did not give are `null`. */
export interface DingTalkBinding {
  corpId: string
  dingUserId: string
  unionId: string
  jobNumber: string | null
  phone: string | null
  email: string | null
  hiredDate: string | number | null
  photo: string | null
}

/** The local user the backend bound the DingTalk account to. */
export interface DingTalkUser {
  id: string
  /** The display name; `null` when DingTalk gave none. */
  name: string | null
  avatar: string | null
}

/** What `GET {endpoint}/session` answers for a signed-in browser: the login result without the login's details. */
export interface DingTalkSession {
  user: DingTalkUser
  binding: DingTalkBinding
}

/** The session the backend started, when it runs its own sessions (not with the server's `onLogin`). */
export interface DingTalkSessionToken {
  token: string
  expiresAt: string | number
}

/** The login result the backend answers on `POST /login/qr` and `POST /login/workbench`. */
export interface DingTalkLoginResult extends DingTalkSession {
  userId: string
  isNewUser: boolean
  /** Absent when the host app keeps its own sessions (the server's `onLogin`). */
  session?: DingTalkSessionToken
}

/** Body of `POST {endpoint}/login/qr`. */
export interface QrCodeExchange {
  /** The OAuth authCode from the QR iframe, decoded. */
  code: string
  /** The `state` of the config this code was obtained with. */
  state: string
  platform: LoginPlatform
}

/** Body of `POST {endpoint}/login/workbench`. */
export interface WorkbenchCodeExchange {
  corpId: string
  /** The free-login code from `requestAuthCode`. */
  authCode: string
  platform: LoginPlatform
}
