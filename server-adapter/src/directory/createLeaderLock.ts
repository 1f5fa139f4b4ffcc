import { randomUUID } from 'node:crypto'
import type { StateStore } from '../state/StateStore'

/** One leader per key across every process sharing the state store. */
export interface LeaderLock {
  /** Takes the lock when it is free, or renews it when this process holds it. Resolves whether it holds it now. */
  acquire(): Promise<boolean>
  /** Gives the lock up (only if still held by this process). */
  release(): Promise<void>
  /** Whether this process holds the lock: taken or renewed less than the lease ago, on its own clock. */
  readonly held: boolean
  /** When this process stops counting itself the holder unless it renews (its own clock, ms); 0 while it does not. */
  readonly heldUntil: number
}

/** Options of {@link createLeaderLock}. */
export interface LeaderLockOptions {
  stateStore: StateStore
  key: string
  /** How long the lease lasts unless renewed. */
  ttlMs: number
  now: () => number
}

/**
 * A lease in the state store: `set nx` takes it, the holder renews it with an atomic `extend` (only while the
 * lease is still its own) before `ttlMs` runs out, and a crashed holder's lease expires so another process takes
 * over. A holder that cannot renew (the state store out of reach) stops counting itself the leader when its lease
 * runs out, the moment another process may take it.
 */
export function createLeaderLock({ stateStore, key, ttlMs, now }: LeaderLockOptions): LeaderLock {
  const me = randomUUID()
  // Measured from the start of the last successful take or renewal: never later than the lease ends in the store.
  let heldUntil = 0
  const holds = () => heldUntil > now()
  return {
    get held() {
      return holds()
    },
    get heldUntil() {
      return holds() ? heldUntil : 0
    },
    async acquire() {
      const attempt = now()
      // Our own lease, still in the store (even if our clock already counted it lapsed), is renewed; else taken if free.
      const taken = (await stateStore.extend(key, me, ttlMs)) || (await stateStore.set(key, me, ttlMs, 'nx'))
      heldUntil = taken ? attempt + ttlMs : 0
      return taken
    },
    async release() {
      if (heldUntil > 0) await stateStore.delete(key, me)
      heldUntil = 0
    },
  }
}
