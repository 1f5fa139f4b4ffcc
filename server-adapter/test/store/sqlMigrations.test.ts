import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, sql } from 'kysely'
import { describe, expect, inject, it } from 'vitest'
import { createSqlDialect } from '../../src/sql/createSqlDialect'
import { runMigrations } from '../../src/sql/runMigrations'
import type { SqlMigration, SqlTables } from '../../src/sql/runMigrations'
import { sqlFlavorOf } from '../../src/sql/sqlFlavorOf'
import type {} from '../support/services'

const services = inject('services')
const prefix = () => `t${randomBytes(5).toString('hex')}_`

/** Step 1 makes a table; step 2 appends one row per run, so a step run twice shows as a second row. */
function migrationsOf(table: string, upTo: number): SqlMigration[] {
  const steps: SqlMigration[] = [
    {
      version: 1,
      async up(db) {
        await db.schema
          .createTable(table)
          .ifNotExists()
          .addColumn('note', 'varchar(64)', (c) => c.notNull())
          .execute()
      },
    },
    {
      version: 2,
      async up(db) {
        await db.insertInto(table).values({ note: 'step 2 ran' }).execute()
      },
    },
  ]
  return steps.filter((step) => step.version <= upTo)
}

async function open(url: string): Promise<Kysely<SqlTables>> {
  const flavor = sqlFlavorOf(url)!
  return new Kysely<SqlTables>({ dialect: await createSqlDialect(flavor, url, 2) })
}

const databases: { name: string; url: () => string; skip: boolean; cleanup?: () => void }[] = []
const sqliteDir = mkdtempSync(join(tmpdir(), 'dingtalk-migrations-'))
databases.push({
  name: 'SQLite',
  url: () => `sqlite:${join(sqliteDir, `${prefix()}.sqlite`)}`,
  skip: false,
  cleanup: () => rmSync(sqliteDir, { recursive: true, force: true }),
})
databases.push({ name: 'PostgreSQL', url: () => services.postgres!, skip: !services.postgres })
databases.push({ name: 'MariaDB', url: () => services.mysql!, skip: !services.mysql })

describe.each(databases)('runMigrations on $name', ({ url, skip }) => {
  it.skipIf(skip)('applies a new step once on the next start, and never again', async () => {
    const where = url()
    const flavor = sqlFlavorOf(where)!
    const names = { table: `${prefix()}notes`, migrations: `${prefix()}migrations` }
    const first = await open(where)
    try {
      await runMigrations(first, {
        flavor,
        migrationsTable: names.migrations,
        migrations: migrationsOf(names.table, 1),
      })
      await runMigrations(first, {
        flavor,
        migrationsTable: names.migrations,
        migrations: migrationsOf(names.table, 2),
      })
      await runMigrations(first, {
        flavor,
        migrationsTable: names.migrations,
        migrations: migrationsOf(names.table, 2),
      })
      const rows = await first.selectFrom(names.table).selectAll().execute()
      expect(rows).toEqual([{ note: 'step 2 ran' }])
      const versions = await first.selectFrom(names.migrations).select('version').orderBy('version').execute()
      expect(versions.map((row) => Number(row.version))).toEqual([1, 2])
    } finally {
      for (const table of [names.table, names.migrations])
        await first.schema.dropTable(table).ifExists().execute()
      await first.destroy()
    }
  })

  it.skipIf(skip || url().startsWith('sqlite:'))(
    'serialises first starts of several processes: a step that is not idempotent still runs once',
    async () => {
      const where = url()
      const flavor = sqlFlavorOf(where)!
      const names = { table: `${prefix()}notes`, migrations: `${prefix()}migrations` }
      const processes = await Promise.all(Array.from({ length: 4 }, () => open(where)))
      try {
        await Promise.all(
          processes.map((db) =>
            runMigrations(db, {
              flavor,
              migrationsTable: names.migrations,
              migrations: migrationsOf(names.table, 2),
            }),
          ),
        )
        const { rows } = await sql<{
          count: number | string
        }>`select count(*) as count from ${sql.table(names.table)}`.execute(processes[0]!)
        expect(Number(rows[0]!.count)).toBe(1)
      } finally {
        for (const table of [names.table, names.migrations])
          await processes[0]!.schema.dropTable(table).ifExists().execute()
        await Promise.all(processes.map((db) => db.destroy()))
      }
    },
  )
})
