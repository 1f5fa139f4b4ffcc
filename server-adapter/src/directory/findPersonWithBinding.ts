import type { BindingStore, DDInnerAuthModel } from '../store/BindingStore'
import type { DirectoryPerson, DirectoryPersonKey, DirectoryStore } from '../store/DirectoryStore'

/** A person as the directory knows them, with their binding; either may be missing. */
export interface PersonWithBinding {
  person: DirectoryPerson | null
  binding: DDInnerAuthModel | null
}

/**
 * Finds a person and their binding by corp + unionId or corp + userid.
 *
 * By userid, the binding holding it decides who is meant: bindings follow who holds a userid now (a userid DingTalk
 * handed to someone new is vacated on the old binding), while people rows are never vacated, so the row of a
 * previous holder who left may still carry it. The person is then the one of that binding's unionId (`null` when
 * not crawled yet). Only when no binding holds the userid does the people row by userid decide (the active one
 * first), with the binding of its unionId.
 */
export async function findPersonWithBinding(
  store: BindingStore & DirectoryStore,
  key: DirectoryPersonKey,
): Promise<PersonWithBinding> {
  const { corpId } = key
  if ('unionId' in key) {
    return {
      person: await store.findPerson({ corpId, unionId: key.unionId }),
      binding: await store.findBinding({ corpId, unionId: key.unionId }),
    }
  }
  const holder = await store.findBinding({ corpId, dingUserId: key.dingUserId })
  if (holder) return { person: await store.findPerson({ corpId, unionId: holder.unionId }), binding: holder }
  const person = await store.findPerson({ corpId, dingUserId: key.dingUserId })
  return {
    person,
    binding: person ? await store.findBinding({ corpId, unionId: person.unionId }) : null,
  }
}
