import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryBindingStore, createSqlBindingStore } from 'dingtalk-login-server'
import { inject } from 'vitest'
import type {} from '../support/services'
import { bindingStoreContract } from './bindingStoreContract'
import { sqliteDriversUnderTest } from './sqliteDriversUnderTest'

const services = inject('services')
const prefix = () => `t${randomBytes(5).toString('hex')}_`

bindingStoreContract('memory', async () => ({ store: createMemoryBindingStore(), cleanup: async () => {} }))

for (const driver of sqliteDriversUnderTest()) {
  bindingStoreContract(`SQLite through ${driver} (temp file)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dingtalk-store-'))
    // A folder that does not exist yet: the store creates it.
    const file = join(dir, 'nested', 'login.sqlite')
    const store = await createSqlBindingStore({ url: `sqlite:${file}`, sqliteDriver: driver })
    if (!existsSync(file)) throw new Error('the SQLite file was not created')
    if (store.driver !== driver) throw new Error(`asked for ${driver}, opened ${store.driver}`)
    return {
      store,
      cleanup: async () => {
        await store.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  })
}

bindingStoreContract(
  'PostgreSQL',
  async () => {
    const store = await createSqlBindingStore({ url: services.postgres!, tablePrefix: prefix() })
    return {
      store,
      cleanup: async () => {
        await store.dropTables()
        await store.close()
      },
    }
  },
  { skip: !services.postgres },
)

bindingStoreContract(
  'MariaDB',
  async () => {
    const store = await createSqlBindingStore({ url: services.mysql!, tablePrefix: prefix() })
    return {
      store,
      cleanup: async () => {
        await store.dropTables()
        await store.close()
      },
    }
  },
  { skip: !services.mysql },
)
