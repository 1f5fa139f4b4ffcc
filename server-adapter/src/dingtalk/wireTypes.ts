// The results of the DingTalk calls the client makes, as the client hands them out (camelCase, typed, with the
// raw answer where a caller may want more).

/** Result of the app-token call. */
export interface AppAccessToken {
  accessToken: string
  /** `expireIn` in seconds, or `null` when DingTalk sent none. */
  expiresInSeconds: number | null
}

/** Result of exchanging an OAuth authCode (`userAccessToken`). */
export interface UserAccessToken {
  accessToken: string
  refreshToken: string | undefined
  expiresInSeconds: number | null
  /** The corp the user chose; only when the login scope had `corpid`. */
  corpId: string | undefined
}

/** The person behind a user token (`GET /v1.0/contact/users/me`). */
export interface DingTalkCurrentUser {
  unionId: string
  openId: string | undefined
  nick: string | undefined
  avatarUrl: string | undefined
  /** Needs `Contact.User.mobile`. */
  mobile: string | undefined
  stateCode: string | undefined
  email: string | undefined
  raw: Record<string, unknown>
}

/** The employee behind a free-login code (`topapi/v2/user/getuserinfo`). */
export interface DingTalkCodeUser {
  /** The corp-scoped userid (a string; never parse it as a number). */
  userid: string
  unionid: string | undefined
  name: string | undefined
  /** Is an admin. */
  sys: boolean | undefined
  /** 1 main admin, 2 sub-admin, 100 boss, 0 other. */
  sysLevel: number | undefined
  deviceId: string | undefined
  associatedUnionid: string | undefined
  requestId: string | undefined
}

/** Result of `topapi/user/getbyunionid`. */
export interface DingTalkUserIdByUnionId {
  userid: string
  /** 0 internal employee, 1 external contact. */
  contactType: number
}

/** The employee record of `topapi/v2/user/get` (the fields login uses; everything is in `raw`). */
export interface DingTalkUserDetail {
  userid: string
  unionid: string | undefined
  name: string | undefined
  avatar: string | undefined
  mobile: string | undefined
  stateCode: string | undefined
  jobNumber: string | undefined
  title: string | undefined
  email: string | undefined
  orgEmail: string | undefined
  /** Epoch ms. */
  hiredDate: number | undefined
  active: boolean | undefined
  admin: boolean | undefined
  deptIdList: number[]
  raw: Record<string, unknown>
}

/** Parameters of `DingTalkClient.createAuthorizationUrl`. */
export interface AuthorizationUrlParams {
  redirectUri: string
  state: string
  /** @default 'openid' */
  scope?: string
  /** Pre-selects the organisation (only with the `corpid` scope). */
  corpId?: string
  /** @default 'consent' */
  prompt?: string
}
