import { randomUUID } from 'node:crypto'
import type { StateStore } from '../state/StateStore'

/** One leader per key across every process sharing the state store. */
export interface LeaderLock {
  /** Takes the lock when it is free, or renews it when this process holds it. Resolves whether it holds it now. */
  acquire(): Promise<boolean>
  /** Gives the lock up (only if still held by this process). */
  release(): Promise<void>
  readonly held: boolean
}

/**
 * A lease in the state store: `set nx` takes it, the holder renews it before `ttlMs` runs out, and a crashed
 * holder's lease expires so another process takes over.
 */
export function createLeaderLock(stateStore: StateStore, key: string, ttlMs: number): LeaderLock {
  const me = randomUUID()
  let held = false
  return {
    get held() {
      return held
    },
    async acquire() {
      if (held && (await stateStore.get(key)) === me) {
        held = await stateStore.set(key, me, ttlMs, 'xx')
        // Renewed someone else's lease in the gap between the read and the write: give it back.
        if (held && (await stateStore.get(key)) !== me) held = false
        return held
      }
      held = await stateStore.set(key, me, ttlMs, 'nx')
      return held
    },
    async release() {
      if (held) await stateStore.delete(key, me)
      held = false
    },
  }
}
