import { DingTalkAuthError } from '../errors'
import { createMemoryStateStore } from './createMemoryStateStore'
import { createRedisStateStore } from './createRedisStateStore'
import type { StateStore } from './StateStore'

/** What `stateStore` accepts: `'memory'`, `'redis://…'` / `'rediss://…'`, or a ready {@link StateStore}. */
export type StateStoreSpec = 'memory' | `redis://${string}` | `rediss://${string}` | StateStore

/** Opens the state store a spec names; `owned` says whether closing it is the caller's job. */
export async function createStateStore(
  spec: StateStoreSpec,
  options: { now?: () => number; keyPrefix?: string } = {},
): Promise<{ store: StateStore; owned: boolean }> {
  if (typeof spec !== 'string') return { store: spec, owned: false }
  if (spec === 'memory')
    return { store: createMemoryStateStore(options.now ? { now: options.now } : {}), owned: true }
  if (/^rediss?:\/\//.test(spec)) {
    return {
      store: await createRedisStateStore({
        url: spec,
        ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
      }),
      owned: true,
    }
  }
  throw new DingTalkAuthError('config_error', {
    detail: `stateStore: expected 'memory', 'redis://…' or a StateStore, found ${JSON.stringify(String(spec).split(':')[0])}:…`,
  })
}
