import type { Logger } from '../logger'
import type { BindingStore } from '../store/BindingStore'
import type { BoundPersonKey, DirectoryStore } from '../store/DirectoryStore'
import { moveBindingToUserId } from '../store/moveBindingToUserId'
import { vacateStaleUserId } from '../store/vacateStaleUserId'
import type { RevokeSessions } from '../store/vacateStaleUserId'
import type { SessionRevoker } from './SessionRevoker'

/** What {@link followNewUserIds} works with. */
export interface FollowUserIdsContext {
  store: BindingStore & DirectoryStore
  logger: Logger
  now: () => number
  /** Ends the sessions of a binding whose userid is vacated (read at each call); `null` when the app keeps its own. */
  revoker: () => SessionRevoker | null
}

/**
 * Brings the bindings in line with who holds which userid now, as DingTalk just listed or described them (`seen`).
 *
 * - DingTalk may hand a userid (a custom `zhangsan`, say) to someone new after its holder left: a binding of
 *   another unionId still holding a seen userid is stale, its sessions are revoked and its userid is vacated
 *   (`vacateStaleUserId`).
 * - DingTalk may give a rehired person a new userid while the unionId stays. A binding keeps the userid of its last
 *   login, so every look-up by userid would miss it: the next leave event or leave record of the new userid,
 *   `auth.sessions.revokeBinding`, a workbench login. Each binding whose person DingTalk now lists under another
 *   userid is pointed at that userid.
 *
 * `bindings` are the bindings to check (every binding of the corp for a crawl; for one person, theirs and the
 * holder of their userid). Resolves how many bindings moved.
 */
export async function followNewUserIds(
  ctx: FollowUserIdsContext,
  corpId: string,
  seen: Iterable<{ unionId: string; dingUserId: string }>,
  bindings: readonly BoundPersonKey[],
): Promise<number> {
  const byUnionId = new Map(bindings.map((binding) => [binding.unionId, binding]))
  const byUserId = new Map(bindings.map((binding) => [binding.dingUserId, binding]))
  const revoker = ctx.revoker()
  const revokeSessions: RevokeSessions = revoker ? (bindingId) => revoker.revokeBinding(bindingId) : null
  let moved = 0
  for (const person of seen) {
    const holder = byUserId.get(person.dingUserId)
    // The list is where the bindings stood before this loop: the store is read again before anything is written.
    if (holder && holder.unionId !== person.unionId) {
      await vacateStaleUserId(
        ctx.store,
        ctx.logger,
        {
          corpId,
          dingUserId: person.dingUserId,
          unionId: person.unionId,
          updateTime: ctx.now(),
          source: 'directory',
        },
        revokeSessions,
      )
    }
    const binding = byUnionId.get(person.unionId)
    if (!binding || binding.dingUserId === person.dingUserId) continue
    const result = await moveBindingToUserId(
      ctx.store,
      ctx.logger,
      {
        binding: { id: binding.bindingId, thirdCorpId: corpId, unionId: binding.unionId },
        dingUserId: person.dingUserId,
        updateTime: ctx.now(),
        source: 'directory',
      },
      revokeSessions,
    )
    if (result.outcome === 'gone') continue
    ctx.logger.info(
      { corpId, bindingId: binding.bindingId, dingUserId: person.dingUserId },
      'directory: a rehired person came back under a new userid; the binding follows it',
    )
    moved++
  }
  return moved
}
