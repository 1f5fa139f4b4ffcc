/** A value that may be returned directly or through a promise. */
export type Awaitable<T> = T | PromiseLike<T>

/** An app access token as cached: the token and the epoch millisecond after which it must not be used. */
export interface CachedAppToken {
  token: string
  /** Epoch ms (by the injected clock) when the token stops being served from the cache. */
  expiresAt: number
}

/**
 * Where app access tokens are kept, keyed per app. The in-memory default serves one process; a shared
 * implementation (Redis) lets several processes fetch each token once between them. `lock` is optional: without
 * it, concurrency is limited within the process only.
 */
export interface TokenCache {
  get(key: string): Awaitable<CachedAppToken | null>
  set(key: string, value: CachedAppToken): Awaitable<void>
  /** Deletes the entry, but only if it still holds `token` when given (another process may have refreshed it). */
  delete(key: string, token?: string): Awaitable<void>
  /**
   * Tries to take an exclusive lock for `ttlMs`; resolves a release function, or `null` when someone else holds
   * it (then the caller waits for the cache to be filled).
   */
  lock?(key: string, ttlMs: number): Awaitable<(() => Awaitable<void>) | null>
}

/** An in-memory {@link TokenCache} for one process. */
export function createMemoryTokenCache(): TokenCache {
  const entries = new Map<string, CachedAppToken>()
  return {
    get: (key) => entries.get(key) ?? null,
    set: (key, value) => {
      entries.set(key, value)
    },
    delete: (key, token) => {
      if (token === undefined || entries.get(key)?.token === token) entries.delete(key)
    },
  }
}

/** What an {@link AppTokenManager} needs from the app-token endpoint. */
export interface FetchedAppToken {
  accessToken: string
  /** Seconds, as DingTalk's `expireIn`; `null` when DingTalk sent none. */
  expiresInSeconds: number | null
}

/** Options of {@link createAppTokenManager}. */
export interface AppTokenManagerOptions {
  /** The cache key, one per app (e.g. `dingtalk:app-token:<appKey>`). */
  key: string
  /** Fetches a fresh token from DingTalk. */
  fetchToken: () => Promise<FetchedAppToken>
  /** @default an in-memory cache */
  cache?: TokenCache
  /** @default Date.now */
  now?: () => number
  /** Refresh this long before expiry (capped at a quarter of the token's lifetime). @default 300_000 */
  refreshMarginMs?: number
  /** Lifetime assumed when DingTalk sends no usable `expireIn`. @default 7_200_000 (DingTalk's documented 7200 s) */
  defaultTtlMs?: number
  /**
   * How long the process that fetches holds the shared lock. Longer than a worst-case fetch with its retries, or
   * another process fetches too while the first still waits on DingTalk (`DingTalkClient` derives it from its
   * timeout and retry budget). @default 20_000
   */
  lockTtlMs?: number
  /** How long to wait for another process holding the lock before fetching anyway. @default lockTtlMs */
  lockWaitMs?: number
  /** Called when `expireIn` is missing or unusable. */
  onMissingExpiry?: () => void
}

/** Serves one app's access token: cached, refreshed early, one fetch in flight however many callers wait. */
export interface AppTokenManager {
  /** A valid token, from the cache or freshly fetched. */
  get(): Promise<string>
  /** Drops `token` from the cache (only if it is still the cached one), so the next `get()` refetches. */
  invalidate(token: string): Promise<void>
}

/** Creates the token manager of one app. */
export function createAppTokenManager(options: AppTokenManagerOptions): AppTokenManager {
  const cache = options.cache ?? createMemoryTokenCache()
  const now = options.now ?? (() => Date.now())
  const marginMs = options.refreshMarginMs ?? 300_000
  const defaultTtlMs = options.defaultTtlMs ?? 7_200_000
  const lockTtlMs = options.lockTtlMs ?? 20_000
  const lockWaitMs = options.lockWaitMs ?? lockTtlMs
  let inFlight: Promise<string> | null = null

  const usable = (entry: CachedAppToken | null): entry is CachedAppToken =>
    entry !== null && now() < entry.expiresAt

  async function fetchAndStore(): Promise<string> {
    const fetched = await options.fetchToken()
    let ttlMs = (fetched.expiresInSeconds ?? 0) * 1000
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
      // A missing or zero expireIn would otherwise expire the token at once and refetch on every login.
      options.onMissingExpiry?.()
      ttlMs = defaultTtlMs
    }
    const early = Math.min(marginMs, ttlMs / 4)
    await cache.set(options.key, { token: fetched.accessToken, expiresAt: now() + ttlMs - early })
    return fetched.accessToken
  }

  async function refresh(): Promise<string> {
    if (!cache.lock) return fetchAndStore()
    const deadline = Date.now() + lockWaitMs
    for (;;) {
      const release = await cache.lock(`${options.key}:lock`, lockTtlMs)
      if (release) {
        try {
          const again = await cache.get(options.key)
          return usable(again) ? again.token : await fetchAndStore()
        } finally {
          await release()
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
      const filled = await cache.get(options.key)
      if (usable(filled)) return filled.token
      if (Date.now() > deadline) return fetchAndStore()
    }
  }

  return {
    async get() {
      const entry = await cache.get(options.key)
      if (usable(entry)) return entry.token
      inFlight ??= refresh().finally(() => {
        inFlight = null
      })
      return inFlight
    },
    async invalidate(token) {
      await cache.delete(options.key, token)
    },
  }
}
