import { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import { createMemoryStateStore } from './createMemoryStateStore'
import { sqlFlavorOf } from '../sql/sqlFlavorOf'
import { createRedisStateStore } from './createRedisStateStore'
import { createSqlStateStore } from './createSqlStateStore'
import type { StateStore } from './StateStore'

/**
 * What `stateStore` accepts: `'memory'`, `'redis://…'` / `'rediss://…'`, a SQL URL (`'postgres://…'`,
 * `'mysql://…'`, `'sqlite:…'`: a `<prefix>login_states` table, for deployments without Redis), or a ready
 * {@link StateStore}.
 */
export type StateStoreSpec =
  | 'memory'
  | `redis://${string}`
  | `rediss://${string}`
  | `sqlite:${string}`
  | `postgres${string}`
  | `mysql${string}`
  | `mariadb${string}`
  | StateStore

/** Opens the state store a spec names; `owned` says whether closing it is the caller's job. */
export async function createStateStore(
  spec: StateStoreSpec,
  options: { now?: () => number; keyPrefix?: string; tablePrefix?: string; logger?: Logger } = {},
): Promise<{ store: StateStore; owned: boolean }> {
  if (typeof spec !== 'string') return { store: spec, owned: false }
  if (spec === 'memory')
    return { store: createMemoryStateStore(options.now ? { now: options.now } : {}), owned: true }
  if (/^rediss?:\/\//.test(spec)) {
    return {
      store: await createRedisStateStore({
        url: spec,
        ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }),
      owned: true,
    }
  }
  if (sqlFlavorOf(spec)) {
    return {
      store: await createSqlStateStore({
        url: spec,
        ...(options.now ? { now: options.now } : {}),
        ...(options.tablePrefix ? { tablePrefix: options.tablePrefix } : {}),
      }),
      owned: true,
    }
  }
  throw new DingTalkAuthError('config_error', {
    detail: `stateStore: expected 'memory', 'redis://…', a SQL URL or a StateStore, found ${JSON.stringify(String(spec).split(':')[0])}:…`,
  })
}
