import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely } from 'kysely'
import { createMemoryBindingStore, createSqlBindingStore } from 'dingtalk-login-server'
import type { DDInnerAuthModel } from 'dingtalk-login-server'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createSqlDialect } from '../../src/sql/createSqlDialect'
import { runMigrations } from '../../src/sql/runMigrations'
import type { SqlTables } from '../../src/sql/runMigrations'
import { sqlFlavorOf } from '../../src/sql/sqlFlavorOf'
import type {} from '../support/services'
import { directoryStoreContract } from './directoryStoreContract'
import { migrationsBeforeCaseSensitiveIds } from './fixtures/schemaBeforeCaseSensitiveIds'

const services = inject('services')
const prefix = () => `t${randomBytes(5).toString('hex')}_`
const sqliteDir = mkdtempSync(join(tmpdir(), 'dingtalk-directory-store-'))
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }))

directoryStoreContract('memory', async () => ({ store: createMemoryBindingStore(), cleanup: async () => {} }))

const databases = [
  { name: 'SQLite (temp file)', url: () => `sqlite:${join(sqliteDir, `${prefix()}.sqlite`)}`, skip: false },
  { name: 'PostgreSQL', url: () => services.postgres!, skip: !services.postgres },
  { name: 'MariaDB', url: () => services.mysql!, skip: !services.mysql },
]

for (const database of databases) {
  directoryStoreContract(
    database.name,
    async () => {
      const store = await createSqlBindingStore({ url: database.url(), tablePrefix: prefix() })
      return {
        store,
        cleanup: async () => {
          await store.dropTables()
          await store.close()
        },
      }
    },
    { skip: database.skip },
  )
}

describe.each(databases)('directory migration on $name', ({ url, skip }) => {
  it.skipIf(skip)(
    'adds the directory to a store made with the schema before it, keeping every binding and user',
    async () => {
      const where = url()
      const flavor = sqlFlavorOf(where)!
      const tablePrefix = prefix()
      const tables = {
        bindings: `${tablePrefix}auth_bindings`,
        users: `${tablePrefix}users`,
        departments: `${tablePrefix}departments`,
        people: `${tablePrefix}people`,
      }
      // The schema before it: migration 1 as released then, with one person bound and their local user.
      const old = new Kysely<SqlTables>({ dialect: await createSqlDialect(flavor, where, 2) })
      await runMigrations(old, {
        flavor,
        migrationsTable: `${tablePrefix}migrations`,
        migrations: migrationsBeforeCaseSensitiveIds(tables).filter((step) => step.version === 1),
      })
      const binding: DDInnerAuthModel = {
        id: randomUUID(),
        userId: randomUUID(),
        thirdCorpId: 'dingcorpmigrated',
        thirdUserId: '0138261547271',
        unionId: 'YFG8pm7VIM6iT1T0LYG2iE',
        name: '张伟',
        jobNumber: 'A-1',
        phone: '13800138001',
        email: null,
        hiredDate: 1_600_000_000_000,
        photo: null,
        createTime: 1_700_000_000_000,
        updateTime: 1_700_000_000_000,
        rawProfile: '{}',
      }
      await old
        .insertInto(tables.bindings)
        .values({
          id: binding.id,
          user_id: binding.userId,
          third_corp_id: binding.thirdCorpId,
          third_user_id: binding.thirdUserId,
          union_id: binding.unionId,
          name: binding.name,
          job_number: binding.jobNumber,
          phone: binding.phone,
          email: binding.email,
          hired_date: binding.hiredDate,
          photo: binding.photo,
          create_time: binding.createTime,
          update_time: binding.updateTime,
          raw_profile: binding.rawProfile,
        })
        .execute()
      await old
        .insertInto(tables.users)
        .values({ id: binding.userId, name: '张伟', avatar: null, create_time: 1, update_time: 1 })
        .execute()
      await old.destroy()

      const store = await createSqlBindingStore({ url: where, tablePrefix })
      try {
        expect(await store.findBinding({ id: binding.id })).toEqual(binding)
        expect((await store.findUser(binding.userId))?.name).toBe('张伟')
        expect(await store.listBoundPeople('dingcorpmigrated')).toEqual([
          { bindingId: binding.id, dingUserId: binding.thirdUserId, unionId: binding.unionId },
        ])
        expect(await store.findPerson({ corpId: 'dingcorpmigrated', unionId: binding.unionId })).toBeNull()
        await store.upsertDepartments([
          { corpId: 'dingcorpmigrated', deptId: 1, name: '总部', parentId: null, updateTime: 2 },
        ])
        expect(await store.listDepartments('dingcorpmigrated')).toHaveLength(1)
      } finally {
        await store.dropTables()
        await store.close()
      }
    },
  )
})
