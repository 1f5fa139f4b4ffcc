import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely } from 'kysely'
import { createSqlBindingStore } from 'dingtalk-login-server'
import type { DDInnerAuthModel, DirectoryPerson } from 'dingtalk-login-server'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createSqlDialect } from '../../src/sql/createSqlDialect'
import { runMigrations } from '../../src/sql/runMigrations'
import type { SqlTables } from '../../src/sql/runMigrations'
import { sqlFlavorOf } from '../../src/sql/sqlFlavorOf'
import { toBindingRow } from '../../src/store/bindingRows'
import type {} from '../support/services'
import { migrationsBeforeCaseSensitiveIds } from './fixtures/schemaBeforeCaseSensitiveIds'

const services = inject('services')
const prefix = () => `t${randomBytes(5).toString('hex')}_`
const sqliteDir = mkdtempSync(join(tmpdir(), 'dingtalk-case-ids-'))
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }))

const databases = [
  { name: 'SQLite (temp file)', url: () => `sqlite:${join(sqliteDir, `${prefix()}.sqlite`)}`, skip: false },
  { name: 'PostgreSQL', url: () => services.postgres!, skip: !services.postgres },
  { name: 'MariaDB', url: () => services.mysql!, skip: !services.mysql },
]

const CORP = 'dingcorpcaseupgrade'

function binding(thirdUserId: string, unionId: string): DDInnerAuthModel {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    thirdCorpId: CORP,
    thirdUserId,
    unionId,
    name: '王芳',
    jobNumber: null,
    phone: null,
    email: null,
    hiredDate: null,
    photo: null,
    createTime: 1_700_000_000_000,
    updateTime: 1_700_000_000_000,
    rawProfile: null,
  }
}

function person(b: DDInnerAuthModel): DirectoryPerson {
  return {
    corpId: b.thirdCorpId,
    unionId: b.unionId,
    dingUserId: b.thirdUserId,
    name: b.name,
    title: null,
    jobNumber: null,
    avatar: null,
    deptIds: [1],
    leaderInDeptIds: [],
    managerUserId: null,
    admin: false,
    state: 'active',
    leftAt: null,
    updateTime: 1_700_000_000_000,
  }
}

describe.each(databases)(
  'identifier columns of a store made before migration 3, on $name',
  ({ url, skip }) => {
    it.skipIf(skip)(
      'tell apart, once the store opens, userids and unionIds that differ only by letter case',
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
        const first = binding('manager4220', 'casefold0unionidiE')
        const second = binding('Manager4220', 'CASEFOLD0UNIONIDiE')
        // The tables as the previous release made them, with the first person bound and in the directory.
        const old = new Kysely<SqlTables>({ dialect: await createSqlDialect(flavor, where, 2) })
        await runMigrations(old, {
          flavor,
          migrationsTable: `${tablePrefix}migrations`,
          migrations: migrationsBeforeCaseSensitiveIds(tables),
        })
        await old
          .insertInto(tables.bindings)
          .values({ ...toBindingRow(first) })
          .execute()
        await old
          .insertInto(tables.people)
          .values({
            corp_id: CORP,
            union_id: first.unionId,
            ding_user_id: first.thirdUserId,
            name: first.name,
            dept_ids: '[1]',
            leader_in_dept_ids: '[]',
            admin: 0,
            state: 'active',
            update_time: 1_700_000_000_000,
          })
          .execute()
        await old.destroy()

        const store = await createSqlBindingStore({ url: where, tablePrefix })
        try {
          expect(await store.createBinding(second)).toEqual({ binding: second, created: true })
          for (const b of [first, second]) {
            expect(await store.findBinding({ corpId: CORP, dingUserId: b.thirdUserId })).toEqual(b)
            expect(await store.findBinding({ corpId: CORP, unionId: b.unionId })).toEqual(b)
          }
          await store.upsertPeople([person(second)])
          for (const b of [first, second]) {
            expect(await store.findPerson({ corpId: CORP, unionId: b.unionId })).toEqual(person(b))
            expect(await store.findPerson({ corpId: CORP, dingUserId: b.thirdUserId })).toEqual(person(b))
          }
        } finally {
          await store.dropTables()
          await store.close()
        }
      },
    )
  },
)
