import type { Awaitable } from '../dingtalk/tokenCache'

/**
 * Short-lived shared state of the HTTP layer (design.md §4.4): login states, used codes, the app-token cache,
 * locks and revoked sessions. A small key–value interface with expiry, so that memory, Redis and SQL
 * implementations stay a few lines each. Keys arrive already namespaced; values are opaque strings.
 *
 * Every implementation must make `set(…, 'nx')`, `take` and `delete(key, expected)` atomic: they are what makes
 * a state single use, a code exchange happen once and a lock exclusive across processes.
 */
export interface StateStore {
  /**
   * Stores `value` under `key` for `ttlMs`. With `mode: 'nx'` only when the key is absent; with `'xx'` only when
   * it is present (keeping the value's expiry fresh to `ttlMs`). Resolves whether the value was written.
   */
  set(key: string, value: string, ttlMs: number, mode?: 'nx' | 'xx'): Awaitable<boolean>
  /** The live value under `key`, or `null`. */
  get(key: string): Awaitable<string | null>
  /** Reads and deletes `key` in one atomic step: of any number of concurrent callers, one gets the value. */
  take(key: string): Awaitable<string | null>
  /** Deletes `key`; with `expected`, only while it still holds that value. Resolves whether a value was deleted. */
  delete(key: string, expected?: string): Awaitable<boolean>
  /** Releases connections the store opened itself. */
  close?(): Awaitable<void>
}
