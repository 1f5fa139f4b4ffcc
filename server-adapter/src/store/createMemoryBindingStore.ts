import type { BindingKey, BindingStore, DDInnerAuthModel, LocalUser } from './BindingStore'
import { createMemoryDirectoryStore } from './createMemoryDirectoryStore'
import type { DirectoryStore } from './DirectoryStore'

/** An in-memory {@link BindingStore} for development and tests: one process, gone on restart. */
export function createMemoryBindingStore(): BindingStore & DirectoryStore {
  const bindings = new Map<string, DDInnerAuthModel>()
  const byCorpUser = new Map<string, string>()
  const byCorpUnion = new Map<string, string>()
  const users = new Map<string, LocalUser>()
  const k = (a: string, b: string) => `${a}\u0000${b}`

  function find(key: BindingKey): DDInnerAuthModel | null {
    let id: string | undefined
    if ('id' in key) id = key.id
    else if ('dingUserId' in key) id = byCorpUser.get(k(key.corpId, key.dingUserId))
    else id = byCorpUnion.get(k(key.corpId, key.unionId))
    const found = id === undefined ? undefined : bindings.get(id)
    return found ? { ...found } : null
  }

  return {
    ...createMemoryDirectoryStore(bindings),
    findBinding: find,
    createBinding(binding, user) {
      const existing =
        find({ corpId: binding.thirdCorpId, dingUserId: binding.thirdUserId }) ??
        find({ corpId: binding.thirdCorpId, unionId: binding.unionId })
      if (existing) return { binding: existing, created: false }
      if (bindings.has(binding.id)) throw new Error(`binding id ${binding.id} exists`)
      bindings.set(binding.id, { ...binding })
      byCorpUser.set(k(binding.thirdCorpId, binding.thirdUserId), binding.id)
      byCorpUnion.set(k(binding.thirdCorpId, binding.unionId), binding.id)
      if (user && !users.has(user.id)) users.set(user.id, { ...user })
      return { binding: { ...binding }, created: true }
    },
    updateBinding(id, profile, updateTime) {
      const current = bindings.get(id)
      if (!current) return null
      const next = { ...current, ...profile, updateTime }
      bindings.set(id, next)
      return { ...next }
    },
    updateBindingUserId(id, dingUserId, updateTime, options = {}) {
      const current = bindings.get(id)
      if (!current) return null
      if (options.expectedUserId !== undefined && current.thirdUserId !== options.expectedUserId) return null
      const holder = byCorpUser.get(k(current.thirdCorpId, dingUserId))
      if (holder !== undefined && holder !== id)
        throw new Error(`another binding of corp ${current.thirdCorpId} holds userid ${dingUserId}`)
      const next = { ...current, thirdUserId: dingUserId, updateTime }
      byCorpUser.delete(k(current.thirdCorpId, current.thirdUserId))
      byCorpUser.set(k(current.thirdCorpId, dingUserId), id)
      bindings.set(id, next)
      return { ...next }
    },
    findUser: (id) => {
      const user = users.get(id)
      return user ? { ...user } : null
    },
    updateUser(id, patch) {
      const user = users.get(id)
      if (user) users.set(id, { ...user, ...patch })
    },
    close() {},
  }
}
