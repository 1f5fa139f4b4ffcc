import { LOGIN_STATE_KEY_PREFIX } from './StateStore'
import type { StateStore } from './StateStore'

/** Options of {@link createMemoryStateStore}. */
export interface MemoryStateStoreOptions {
  /** Clock for expiry, epoch ms. @default Date.now */
  now?: () => number
  /**
   * Most live login states kept (each `GET /config` or `/authorize` creates one, anonymously). Past it the oldest
   * states are dropped, so a flood of anonymous requests costs bounded memory (about 200 bytes a state); a
   * dropped state fails its login with `invalid_state` and the QR component fetches a new one.
   * @default 100_000
   */
  maxLoginStates?: number
}

interface Entry {
  value: string
  expiresAt: number
}

/**
 * A {@link StateStore} in this process's memory: for tests, development and single-process servers. Expired
 * entries are dropped when touched and swept every 1000 writes, so the map stays bounded by live entries, and
 * login states are capped by `maxLoginStates`.
 */
export function createMemoryStateStore(options: MemoryStateStoreOptions = {}): StateStore {
  const now = options.now ?? (() => Date.now())
  const maxLoginStates = options.maxLoginStates ?? 100_000
  if (!Number.isInteger(maxLoginStates) || maxLoginStates < 1) {
    throw new TypeError('createMemoryStateStore: maxLoginStates must be a positive integer')
  }
  const entries = new Map<string, Entry>()
  // Login states in insertion order, so the oldest is the first one evicted.
  const loginStates = new Set<string>()
  const sets = new Map<string, Map<string, number>>()
  let writes = 0

  const remove = (key: string) => {
    entries.delete(key)
    loginStates.delete(key)
  }

  const live = (key: string) => {
    const entry = entries.get(key)
    if (!entry) return null
    if (entry.expiresAt <= now()) {
      remove(key)
      return null
    }
    return entry
  }

  const sweep = () => {
    if (++writes % 1000 !== 0) return
    const t = now()
    for (const [key, entry] of entries) if (entry.expiresAt <= t) remove(key)
    for (const [setKey, members] of sets) {
      for (const [member, expiresAt] of members) if (expiresAt <= t) members.delete(member)
      if (members.size === 0) sets.delete(setKey)
    }
  }

  const write = (key: string, value: string, ttlMs: number) => {
    remove(key)
    entries.set(key, { value, expiresAt: now() + ttlMs })
    if (key.startsWith(LOGIN_STATE_KEY_PREFIX)) {
      loginStates.add(key)
      while (loginStates.size > maxLoginStates) {
        const oldest = loginStates.values().next().value as string
        remove(oldest)
      }
    }
    sweep()
  }

  return {
    set(key, value, ttlMs, mode) {
      const present = live(key) !== null
      if ((mode === 'nx' && present) || (mode === 'xx' && !present)) return false
      write(key, value, ttlMs)
      return true
    },
    get: (key) => live(key)?.value ?? null,
    take(key) {
      const entry = live(key)
      if (!entry) return null
      remove(key)
      return entry.value
    },
    delete(key, expected) {
      const entry = live(key)
      if (!entry || (expected !== undefined && entry.value !== expected)) return false
      remove(key)
      return true
    },
    extend(key, expected, ttlMs) {
      const entry = live(key)
      if (!entry || entry.value !== expected) return false
      entry.expiresAt = now() + ttlMs
      return true
    },
    addToSet(setKey, member, ttlMs) {
      let members = sets.get(setKey)
      if (!members) sets.set(setKey, (members = new Map()))
      members.set(member, now() + ttlMs)
      sweep()
    },
    setMembers(setKey) {
      const members = sets.get(setKey)
      if (!members) return []
      const t = now()
      const found: string[] = []
      for (const [member, expiresAt] of members) {
        if (expiresAt > t) found.push(member)
        else members.delete(member)
      }
      if (members.size === 0) sets.delete(setKey)
      return found
    },
    removeFromSet(setKey, member) {
      const members = sets.get(setKey)
      members?.delete(member)
      if (members?.size === 0) sets.delete(setKey)
    },
  }
}
