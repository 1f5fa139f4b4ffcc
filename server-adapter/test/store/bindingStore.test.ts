import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryBindingStore, createSqlBindingStore } from 'dingtalk-login-server'
import { inject } from 'vitest'
import type {} from '../support/services'
import { bindingStoreContract } from './bindingStoreContract'

const services = inject('services')
const prefix = () => `t${randomBytes(5).toString('hex')}_`

bindingStoreContract('memory', async () => ({ store: createMemoryBindingStore(), cleanup: async () => {} }))

bindingStoreContract('SQLite (temp file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dingtalk-store-'))
  // A folder that does not exist yet: the store creates it.
  const file = join(dir, 'nested', 'login.sqlite')
  const store = await createSqlBindingStore({ url: `sqlite:${file}` })
  if (!existsSync(file)) throw new Error('the SQLite file was not created')
  return {
    store,
    cleanup: async () => {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})

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
