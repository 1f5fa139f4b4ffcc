import type { BindingStore } from './BindingStore'
import { createMemoryBindingStore } from './createMemoryBindingStore'
import { sqlFlavorOf } from '../sql/sqlFlavorOf'
import { createSqlBindingStore } from './createSqlBindingStore'

/**
 * What `store` accepts: `'memory'`, `'sqlite:./path'`, `'postgres://…'`, `'mysql://…'`, or a ready
 * {@link BindingStore}.
 */
export type BindingStoreSpec =
  'memory' | `sqlite:${string}` | `postgres${string}` | `mysql${string}` | `mariadb${string}` | BindingStore

/** Opens the store a spec names (creating and migrating SQL tables on first start). */
export async function createBindingStore(
  spec: BindingStoreSpec,
  options: { tablePrefix?: string } = {},
): Promise<BindingStore> {
  if (typeof spec !== 'string') return spec
  if (spec === 'memory') return createMemoryBindingStore()
  if (!sqlFlavorOf(spec)) {
    throw new Error(
      `store: expected 'memory', 'sqlite:<path>', 'postgres://…' or 'mysql://…', found ${JSON.stringify(spec.split(':')[0])}:…`,
    )
  }
  return createSqlBindingStore({
    url: spec,
    ...(options.tablePrefix ? { tablePrefix: options.tablePrefix } : {}),
  })
}
