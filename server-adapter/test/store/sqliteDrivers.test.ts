import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createSqlBindingStore, isDingTalkAuthError } from 'dingtalk-login-server'
import type { SqliteDriverName } from 'dingtalk-login-server'
import { Kysely, sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { findNodeSqlite } from '../../src/sql/adaptNodeSqlite'
import { createSqlDialect } from '../../src/sql/createSqlDialect'
import type { SqlTables } from '../../src/sql/runMigrations'
import { sqliteDriversUnderTest } from './sqliteDriversUnderTest'

const dir = mkdtempSync(join(tmpdir(), 'dingtalk-sqlite-drivers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const nextFile = () => `sqlite:${join(dir, `db${++files}.sqlite`)}`

async function open(driver: SqliteDriverName, url = nextFile()): Promise<Kysely<SqlTables>> {
  return new Kysely<SqlTables>({
    dialect: await createSqlDialect('sqlite', url, 1, { sqliteDriver: driver }),
  })
}

describe.each(sqliteDriversUnderTest())('SQLite through %s', (driver) => {
  it('commits a transaction, and rolls back every statement of a failed one', async () => {
    const db = await open(driver)
    try {
      await db.schema
        .createTable('notes')
        .addColumn('note', 'text', (c) => c.unique())
        .execute()
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ note: 'kept' }).execute()
      })
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('notes').values({ note: 'lost' }).execute()
          await trx.insertInto('notes').values({ note: 'kept' }).execute() // unique violation
        }),
      ).rejects.toThrow(/UNIQUE/)
      expect(await db.selectFrom('notes').select('note').execute()).toEqual([{ note: 'kept' }])
    } finally {
      await db.destroy()
    }
  })

  it('runs concurrent transactions one after the other on its single connection', async () => {
    const db = await open(driver)
    try {
      await db.schema.createTable('counter').addColumn('n', 'integer').execute()
      await db.insertInto('counter').values({ n: 0 }).execute()
      // Each reads, yields to the event loop, then writes: interleaved, they would lose increments.
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.transaction().execute(async (trx) => {
            const { n } = (await trx.selectFrom('counter').select('n').executeTakeFirstOrThrow()) as {
              n: number
            }
            await new Promise((resolve) => setTimeout(resolve, 1))
            await trx
              .updateTable('counter')
              .set({ n: n + 1 })
              .execute()
          }),
        ),
      )
      expect(await db.selectFrom('counter').select('n').executeTakeFirst()).toEqual({ n: 20 })
    } finally {
      await db.destroy()
    }
  })

  it('tells rows read from rows changed: select, insert … returning, update counts, raw statements', async () => {
    const db = await open(driver)
    try {
      await db.schema
        .createTable('items')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('v', 'text')
        .execute()
      const inserted = await db
        .insertInto('items')
        .values([{ v: 'a' }, { v: 'b' }])
        .executeTakeFirst()
      expect(inserted.numInsertedOrUpdatedRows).toBe(2n)
      expect(inserted.insertId).toBe(2n)
      const returned = await db.insertInto('items').values({ v: 'c' }).returning(['id', 'v']).execute()
      expect(returned).toEqual([{ id: 3, v: 'c' }])
      const updated = await db.updateTable('items').set({ v: 'z' }).where('id', '<', 3).executeTakeFirst()
      expect(updated.numUpdatedRows).toBe(2n)
      const raw = await sql`delete from items where v = ${'z'}`.execute(db)
      expect(raw.numAffectedRows).toBe(2n)
      const rows = await sql<{ id: number; v: string }>`select id, v from items`.execute(db)
      expect(rows.rows).toStrictEqual([{ id: 3, v: 'c' }])
      const streamed: unknown[] = []
      for await (const row of db.selectFrom('items').selectAll().stream()) streamed.push(row)
      expect(streamed).toEqual([{ id: 3, v: 'c' }])
    } finally {
      await db.destroy()
    }
  })
})

/** Whether the installed better-sqlite3 loads in this Node (CI's Node 22 and 24 runs share a Node 20 build). */
function betterSqlite3Loads(): boolean {
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => {
      close(): void
    }
    new Database(':memory:').close()
    return true
  } catch {
    return false
  }
}

describe('choosing the SQLite driver', () => {
  it("uses this Node's node:sqlite when it has one, else better-sqlite3", async () => {
    const store = await createSqlBindingStore({ url: nextFile() })
    try {
      expect(store.driver).toBe(findNodeSqlite() ? 'node:sqlite' : 'better-sqlite3')
    } finally {
      await store.close()
    }
  })

  it.skipIf(findNodeSqlite() !== null)(
    'asking for node:sqlite on a Node without it is a config error that says what to do',
    async () => {
      const error = await createSqlBindingStore({ url: nextFile(), sqliteDriver: 'node:sqlite' }).catch(
        (e: unknown) => e,
      )
      expect(isDingTalkAuthError(error) && error.code).toBe('config_error')
      expect((error as Error).message).toMatch(/Node 22\.16\+ or 24.*npm install better-sqlite3/)
    },
  )
})

describe.skipIf(betterSqlite3Loads())('better-sqlite3 built for another Node', () => {
  it('is a MissingDriverError that says to rebuild it', async () => {
    const error = await createSqlBindingStore({ url: nextFile(), sqliteDriver: 'better-sqlite3' }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      name: 'MissingDriverError',
      code: 'config_error',
      packageName: 'better-sqlite3',
    })
    expect((error as Error).message).toContain('npm rebuild better-sqlite3')
  })
})

const execFileAsync = promisify(execFile)
const fixture = fileURLToPath(new URL('./fixtures/withoutPeers.ts', import.meta.url))

async function runWithoutPeers(hidden: string[]) {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, HIDE_PEERS: hidden.join(','), NODE_NO_WARNINGS: '1' },
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
  })
  type Attempt = { opened: boolean; name?: string; code?: string; packageName?: string; message?: string }
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    atImport: { files: string[]; driversResolved: string[] }
    sqlite: Attempt
    betterSqlite3: Attempt
    postgres: Attempt
    mysql: Attempt
    redis: Attempt
  }
}

describe('an app that installed no database driver', () => {
  it('imports the package without loading a driver or writing a file, and each store names the package to install', async () => {
    const result = await runWithoutPeers(['better-sqlite3', 'pg', 'mysql2', 'ioredis'])
    expect(result.atImport).toEqual({ files: [], driversResolved: [] })
    const missing = (packageName: string) => ({
      opened: false,
      name: 'MissingDriverError',
      code: 'config_error',
      packageName,
      message: expect.stringContaining(`npm install ${packageName}`),
    })
    // Where Node has node:sqlite, sqlite: needs nothing installed.
    expect(result.sqlite).toEqual(findNodeSqlite() ? { opened: true } : missing('better-sqlite3'))
    expect(result.betterSqlite3).toEqual(missing('better-sqlite3'))
    expect(result.postgres).toEqual(missing('pg'))
    expect(result.mysql).toEqual(missing('mysql2'))
    expect(result.redis).toEqual(missing('ioredis'))
  }, 30_000)
})
