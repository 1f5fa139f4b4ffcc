import type { StateStore } from './StateStore'

/** Options of {@link createMemoryStateStore}. */
export interface MemoryStateStoreOptions {
  /** Clock for expiry, epoch ms. @default Date.now */
  now?: () => number
}

/**
 * A {@link StateStore} in this process's memory: for tests, development and single-process servers. Expired
 * entries are dropped when touched and swept every 1000 writes, so the map stays bounded by live entries.
 */
export function createMemoryStateStore(options: MemoryStateStoreOptions = {}): StateStore {
  const now = options.now ?? (() => Date.now())
  const entries = new Map<string, { value: string; expiresAt: number }>()
  let writes = 0

  const live = (key: string) => {
    const entry = entries.get(key)
    if (!entry) return null
    if (entry.expiresAt <= now()) {
      entries.delete(key)
      return null
    }
    return entry
  }

  const sweep = () => {
    if (++writes % 1000 !== 0) return
    const t = now()
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key)
  }

  return {
    set(key, value, ttlMs, mode) {
      const present = live(key) !== null
      if ((mode === 'nx' && present) || (mode === 'xx' && !present)) return false
      entries.set(key, { value, expiresAt: now() + ttlMs })
      sweep()
      return true
    },
    get: (key) => live(key)?.value ?? null,
    take(key) {
      const entry = live(key)
      if (!entry) return null
      entries.delete(key)
      return entry.value
    },
    delete(key, expected) {
      const entry = live(key)
      if (!entry || (expected !== undefined && entry.value !== expected)) return false
      entries.delete(key)
      return true
    },
  }
}
