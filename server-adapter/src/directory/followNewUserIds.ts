import type { Logger } from '../logger'
import type { BindingStore } from '../store/BindingStore'
import type { BoundPersonKey, DirectoryStore } from '../store/DirectoryStore'

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
    const holder = await ctx.store.findBinding({ corpId, dingUserId: person.dingUserId })
    if (holder && holder.id !== binding.bindingId) {
      // DingTalk handed the userid on: the older binding is stale, and which one is right only a person can say.
      ctx.logger.warn(
        { corpId, bindingId: binding.bindingId, otherBindingId: holder.id },
        "directory: a person's new userid is held by another binding; the binding keeps its old userid",
      )
      continue
    }
    await ctx.store.updateBindingUserId(binding.bindingId, person.dingUserId, ctx.now())
    ctx.logger.info(
      { corpId, bindingId: binding.bindingId, dingUserId: person.dingUserId },
      'directory: a rehired person came back under a new userid; the binding follows it',
    )
    moved++
  }
  return moved
}
