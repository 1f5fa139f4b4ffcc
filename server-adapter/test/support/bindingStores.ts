import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryBindingStore, createSqlBindingStore } from 'dingtalk-login-server'
import type { BindingStore } from 'dingtalk-login-server'
import { inject } from 'vitest'
import type {} from './services'

/** A binding store opened for one test, and how to drop what it made. */
export interface StoreUnderTest {
  store: BindingStore
  cleanup(): Promise<void>
}

/** One kind of store a test runs on; `skip` when its database server is not there. */
export interface StoreBackend {
  name: string
  open(): Promise<StoreUnderTest>
  skip: boolean
}

const tablePrefix = () => `t${randomBytes(5).toString('hex')}_`

async function openSqlStore(url: string): Promise<StoreUnderTest> {
  const store = await createSqlBindingStore({ url, tablePrefix: tablePrefix() })
  return {
    store,
    cleanup: async () => {
      await store.dropTables()
      await store.close()
    },
  }
}

/**
 * The four stores a login test runs on (memory, an SQLite file, PostgreSQL, MariaDB), each opened with tables of
 * its own; `removeFiles` deletes the SQLite files, once all tests of the file are done.
 */
export function bindingStoreBackends(label: string): { backends: StoreBackend[]; removeFiles(): void } {
  const services = inject('services')
  const sqliteDir = mkdtempSync(join(tmpdir(), `dingtalk-${label}-`))
  const backends: StoreBackend[] = [
    {
      name: 'memory',
      open: async () => ({ store: createMemoryBindingStore(), cleanup: async () => {} }),
      skip: false,
    },
    {
      name: 'SQLite (temp file)',
      open: () => openSqlStore(`sqlite:${join(sqliteDir, `${tablePrefix()}.sqlite`)}`),
      skip: false,
    },
    { name: 'PostgreSQL', open: () => openSqlStore(services.postgres!), skip: !services.postgres },
    { name: 'MariaDB', open: () => openSqlStore(services.mysql!), skip: !services.mysql },
  ]
  return { backends, removeFiles: () => rmSync(sqliteDir, { recursive: true, force: true }) }
}
