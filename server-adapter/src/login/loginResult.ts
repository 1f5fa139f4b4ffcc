/** Which login flow produced a result. */
export type DingTalkLoginFlow = 'qr' | 'workbench'

/** The DingTalk person as the flows found them: handed to `resolveUser` on a first login. */
export interface DingTalkUser {
  /** The instance (login type) name. */
  instance: string
  flow: DingTalkLoginFlow
  corpId: string
  /** The corp-scoped userid. */
  userid: string
  unionId: string
  name: string | null
  avatar: string | null
  mobile: string | null
  stateCode: string | null
  /** The org email when there is one, else the personal email. */
  email: string | null
  jobNumber: string | null
  title: string | null
  /** Epoch ms. */
  hiredDate: number | null
  active: boolean | null
  admin: boolean | null
  deptIdList: number[]
  /** The employee record (`topapi/v2/user/get`) as DingTalk sent it. */
  detail: Record<string, unknown>
  /** `users/me` as DingTalk sent it (QR flow only). */
  me: Record<string, unknown> | null
}

/** What `resolveUser` returns: the local user to bind to, or `null` for none. */
export type ResolvedLocalUser = {
  id: string
  name?: string | null
  avatar?: string | null
  isNew?: boolean
} | null

/** The binding part of a login result. */
export interface DingTalkLoginBinding {
  corpId: string
  dingUserId: string
  unionId: string
  jobNumber: string | null
  phone: string | null
  email: string | null
  /** Epoch ms. */
  hiredDate: number | null
  photo: string | null
}

/** The result of a login, without the session (the HTTP layer adds `session`): the JSON the login routes answer. */
export interface DingTalkLoginResult {
  userId: string
  /** True when this login created the local user. */
  isNewUser: boolean
  /** The instance (login type) name that served the login. */
  instance: string
  binding: DingTalkLoginBinding
  user: { id: string; name: string | null; avatar: string | null }
}
