import type { BindingStore } from './BindingStore'
import type { DirectoryStore } from './DirectoryStore'

/** A store that can point a binding at another userid (every built-in store can). */
export type BindingMover = BindingStore & Pick<DirectoryStore, 'updateBindingUserId'>

/** Whether a store can move a binding to another userid (`updateBindingUserId`). */
export function canMoveBindings(store: BindingStore): store is BindingMover {
  return typeof (store as Partial<BindingMover>).updateBindingUserId === 'function'
}
