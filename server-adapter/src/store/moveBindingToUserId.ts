import type { BindingStore, DDInnerAuthModel } from './BindingStore'
import type { DirectoryStore } from './DirectoryStore'

/** A store that can point a binding at another userid (every built-in store can). */
export type BindingMover = BindingStore & Pick<DirectoryStore, 'updateBindingUserId'>

/** What {@link moveBindingToUserId} did. */
export type MoveBindingOutcome =
  | { outcome: 'moved'; binding: DDInnerAuthModel }
  /** Another binding of the corp holds the userid: nothing was written. */
  | { outcome: 'held'; otherBindingId: string }
  /** The binding is no longer in the store. */
  | { outcome: 'gone' }

/** Whether a store can move a binding to another userid (`updateBindingUserId`). */
export function canMoveBindings(store: BindingStore): store is BindingMover {
  return typeof (store as Partial<BindingMover>).updateBindingUserId === 'function'
}

/**
 * Points a binding at its person's current userid (DingTalk may give a rehired person a new one while the unionId
 * stays), unless another binding of the corp holds that userid: DingTalk handed it on, and which binding is right
 * only a person can say.
 */
export async function moveBindingToUserId(
  store: BindingMover,
  move: { bindingId: string; corpId: string; dingUserId: string; updateTime: number },
): Promise<MoveBindingOutcome> {
  const holder = await store.findBinding({ corpId: move.corpId, dingUserId: move.dingUserId })
  if (holder && holder.id !== move.bindingId) return { outcome: 'held', otherBindingId: holder.id }
  const binding = await store.updateBindingUserId(move.bindingId, move.dingUserId, move.updateTime)
  return binding ? { outcome: 'moved', binding } : { outcome: 'gone' }
}
