import type { Awaitable } from '../dingtalk/tokenCache'
import type { Logger } from '../logger'
import type { BindingMover } from './BindingMover'
import { vacatedUserIdOf } from './vacatedUserId'

/** DingTalk's current word on who holds a userid: read in this login, event or crawl, not remembered. */
export interface UserIdHolder {
  corpId: string
  /** The userid DingTalk named. */
  dingUserId: string
  /** The unionId of the person DingTalk says holds it now. */
  unionId: string
  updateTime: number
  /** Who learnt it, for the log line. */
  source: 'login' | 'directory'
}

/**
 * Ends every session of a binding (the session revoker's `revokeBinding`), or `null` when the app keeps its own
 * sessions.
 */
export type RevokeSessions = ((bindingId: string) => Awaitable<unknown>) | null

/**
 * Frees a userid that a binding of another person still holds. DingTalk may hand a userid (say a custom
 * `zhangsan`) to someone new after its holder left, so a binding found by userid whose unionId differs from the one
 * DingTalk gives for that userid now is stale for certain: its `thirdUserId` becomes the binding's
 * {@link vacatedUserIdOf} placeholder. The binding and its local user stay: if their person comes back, the login
 * (or the directory) finds them by unionId and moves them to their new userid. Its sessions are revoked first
 * (DingTalk hands a userid on only after its holder left): a failure leaves the userid held, so the retry revokes
 * again. Logged at warn with ids only. Resolves the id of the vacated binding, or `null` when nobody else held the
 * userid.
 */
export async function vacateStaleUserId(
  store: BindingMover,
  logger: Logger,
  holder: UserIdHolder,
  revokeSessions: RevokeSessions,
): Promise<string | null> {
  const stale = await store.findBinding({ corpId: holder.corpId, dingUserId: holder.dingUserId })
  if (!stale || stale.unionId === holder.unionId) return null
  await revokeSessions?.(stale.id)
  // Conditional: a binding moved off the userid since the read (by a concurrent move) keeps its new one.
  const vacated = await store.updateBindingUserId(stale.id, vacatedUserIdOf(stale.id), holder.updateTime, {
    expectedUserId: holder.dingUserId,
  })
  if (!vacated) return null
  logger.warn(
    { corpId: holder.corpId, bindingId: stale.id, source: holder.source, revoked: revokeSessions !== null },
    `${holder.source}: DingTalk gave this binding's userid to another person; the binding's userid is vacated and its sessions revoked (the binding and its local user stay, found again by unionId)`,
  )
  return stale.id
}
