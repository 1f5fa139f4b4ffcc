import type { Awaitable } from '../dingtalk/tokenCache'

/**
 * Short-lived shared state of the HTTP layer: login states, used codes, the app-token cache, locks and the
 * session index. A small key–value interface with expiry plus expiring sets, so that memory, Redis and SQL
 * implementations stay a few lines each. Keys arrive already namespaced; values are opaque strings.
 *
 * Every implementation must make `set(…, 'nx')`, `take`, `delete(key, expected)` and `extend` atomic: they are
 * what makes a state single use, a code exchange happen once and a lock exclusive across processes.
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
  /**
   * Renews `key`'s expiry to `ttlMs` from now, in one atomic step and only while it still holds `expected` (a lease
   * renewed by its holder only). Resolves whether it was renewed; an expired or absent key is not brought back.
   */
  extend(key: string, expected: string, ttlMs: number): Awaitable<boolean>
  /**
   * Adds `member` to the set under `setKey`; the member expires after `ttlMs` on its own (adding it again renews
   * it). Sets share no names with keys of {@link StateStore.set}.
   */
  addToSet(setKey: string, member: string, ttlMs: number): Awaitable<void>
  /** The live members of the set under `setKey`, in no particular order (empty when there is none). */
  setMembers(setKey: string): Awaitable<string[]>
  /** Removes `member` from the set under `setKey`. */
  removeFromSet(setKey: string, member: string): Awaitable<void>
  /** Releases connections the store opened itself. */
  close?(): Awaitable<void>
}

/** The key namespace of login states, the entries anyone can create: a memory store caps these. */
export const LOGIN_STATE_KEY_PREFIX = 'state:'
