import type { Logger } from '../logger'
import type { BindingStore } from '../store/BindingStore'
import type { BoundPersonKey, DirectoryStore } from '../store/DirectoryStore'
import { moveBindingToUserId } from '../store/moveBindingToUserId'

/** What {@link followNewUserIds} works with. */
export interface FollowUserIdsContext {
  store: BindingStore & DirectoryStore
  logger: Logger
  now: () => number
}

/**
 * DingTalk may give a rehired person a new userid while the unionId stays. A binding keeps the userid of its last
 * login, so every look-up by userid would miss it: the next leave event or leave record of the new userid,
 * `auth.sessions.revokeBinding`, a workbench login. Points each binding whose person DingTalk now lists under
 * another userid at that userid. Resolves how many bindings moved.
 */
export async function followNewUserIds(
  ctx: FollowUserIdsContext,
  corpId: string,
  seen: Iterable<{ unionId: string; dingUserId: string }>,
  bindings: readonly BoundPersonKey[],
): Promise<number> {
  const bound = new Map(bindings.map((binding) => [binding.unionId, binding]))
  let moved = 0
  for (const person of seen) {
    const binding = bound.get(person.unionId)
    if (!binding || binding.dingUserId === person.dingUserId) continue
    const result = await moveBindingToUserId(ctx.store, {
      bindingId: binding.bindingId,
      corpId,
      dingUserId: person.dingUserId,
      updateTime: ctx.now(),
    })
    if (result.outcome === 'held') {
      ctx.logger.warn(
        { corpId, bindingId: binding.bindingId, otherBindingId: result.otherBindingId },
        "directory: a person's new userid is held by another binding; the binding keeps its old userid",
      )
      continue
    }
    if (result.outcome === 'gone') continue
    ctx.logger.info(
      { corpId, bindingId: binding.bindingId, dingUserId: person.dingUserId },
      'directory: a rehired person came back under a new userid; the binding follows it',
    )
    moved++
  }
  return moved
}
