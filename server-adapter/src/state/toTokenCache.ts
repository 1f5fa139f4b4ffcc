import { randomUUID } from 'node:crypto'
import type { CachedAppToken, TokenCache } from '../dingtalk/tokenCache'
import type { StateStore } from './StateStore'

// The token manager judges freshness by its own (injectable) clock from `expiresAt`; the store's expiry only
// garbage-collects entries, so it is longer than any app token lives (DingTalk: 7200 s).
const TOKEN_ENTRY_TTL_MS = 24 * 60 * 60_000

/**
 * The app-token cache (with its lock) over a {@link StateStore}: with a shared store, every process sees the
 * same cached token, and the lock lets exactly one of them fetch a new one while the others wait for it.
 *
 * @param keyPrefix - namespace inside the store. @default 'app-token:'
 */
export function toTokenCache(store: StateStore, keyPrefix = 'app-token:'): TokenCache {
  const k = (key: string) => keyPrefix + key
  const parse = (raw: string | null): CachedAppToken | null => {
    if (raw === null) return null
    try {
      const value = JSON.parse(raw) as Partial<CachedAppToken>
      return typeof value.token === 'string' && typeof value.expiresAt === 'number'
        ? { token: value.token, expiresAt: value.expiresAt }
        : null
    } catch {
      return null
    }
  }
  return {
    async get(key) {
      return parse(await store.get(k(key)))
    },
    async set(key, value) {
      await store.set(k(key), JSON.stringify(value), TOKEN_ENTRY_TTL_MS)
    },
    async delete(key, token) {
      const raw = await store.get(k(key))
      if (raw === null) return
      if (token !== undefined && parse(raw)?.token !== token) return
      await store.delete(k(key), raw)
    },
    async lock(key, ttlMs) {
      const owner = randomUUID()
      if (!(await store.set(k(key), owner, ttlMs, 'nx'))) return null
      return async () => {
        await store.delete(k(key), owner)
      }
    },
  }
}
