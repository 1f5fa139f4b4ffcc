import type { BindingStore } from 'dingtalk-login-server'
import type { StateStore } from 'dingtalk-login-server'
import { createMemoryBindingStore } from 'dingtalk-login-server'
import { createMemoryStateStore } from 'dingtalk-login-server'

/** A real memory StateStore that remembers which keys were written, to prove a refused request wrote nothing. */
export function recordingStateStore(now: () => number): StateStore & {
  writes: number
  liveWrittenKeys(): Promise<string[]>
} {
  const inner = createMemoryStateStore({ now })
  const written = new Set<string>()
  const store = {
    writes: 0,
    set(key: string, value: string, ttlMs: number, mode?: 'nx' | 'xx') {
      store.writes++
      written.add(key)
      return inner.set(key, value, ttlMs, mode)
    },
    get: (key: string) => inner.get(key),
    take: (key: string) => inner.take(key),
    delete: (key: string, expected?: string) => inner.delete(key, expected),
    extend(key: string, expected: string, ttlMs: number) {
      store.writes++
      written.add(key)
      return inner.extend(key, expected, ttlMs)
    },
    addToSet(setKey: string, member: string, ttlMs: number) {
      store.writes++
      written.add(`set:${setKey}`)
      return inner.addToSet(setKey, member, ttlMs)
    },
    setMembers: (setKey: string) => inner.setMembers(setKey),
    removeFromSet(setKey: string, member: string) {
      store.writes++
      return inner.removeFromSet(setKey, member)
    },
    async liveWrittenKeys() {
      const live: string[] = []
      for (const key of written) {
        const alive = key.startsWith('set:')
          ? (await inner.setMembers(key.slice(4))).length > 0
          : (await inner.get(key)) !== null
        if (alive) live.push(key)
      }
      return live.sort()
    },
  }
  return store
}

/** A real memory BindingStore that counts writes. */
export function recordingBindingStore(): BindingStore & { writes: number } {
  const inner = createMemoryBindingStore()
  const store: BindingStore & { writes: number } = {
    writes: 0,
    findBinding: (key) => inner.findBinding(key),
    findUser: (id) => inner.findUser(id),
    createBinding(binding, user) {
      store.writes++
      return inner.createBinding(binding, user)
    },
    updateBinding(id, profile, updateTime) {
      store.writes++
      return inner.updateBinding(id, profile, updateTime)
    },
    updateUser(id, patch) {
      store.writes++
      return inner.updateUser(id, patch)
    },
  }
  return store
}
