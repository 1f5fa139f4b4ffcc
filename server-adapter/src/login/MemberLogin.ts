import type { Awaitable } from '../dingtalk/tokenCache'

/**
 * A login that just succeeded. DingTalk gives login codes to members only, so it proves the person is in the corp
 * now, whatever was recorded of them before.
 */
export interface MemberLogin {
  /** The instance (login type) name. */
  instance: string
  corpId: string
  unionId: string
  /** The person's userid now. */
  dingUserId: string
  /** Epoch ms when the login started: DingTalk had given the code to a member by then. */
  at: number
}

/** Told of each successful login before the login resolves; a throw fails the login. */
export type OnMemberLogin = (login: MemberLogin) => Awaitable<void>
