import type { Kysely } from 'kysely'
import type { SqlFlavor } from './sqlFlavorOf'
import { withMigrationLock } from './withMigrationLock'

/** The loose table shape migrations work with: any table, any column (their names come from the store's prefix). */
export type SqlTables = Record<string, Record<string, unknown>>

/** One schema step of a SQL store. */
export interface SqlMigration {
  /** Increasing from 1; recorded in the store's migrations table once applied. */
  readonly version: number
  /**
   * Applies the step. Must be idempotent (`if not exists`): a step interrupted before it was recorded runs again,
   * and a database created before the migrations table existed already has the tables of step 1.
   */
  up(connection: Kysely<SqlTables>, flavor: SqlFlavor): Promise<void>
}

/** Where {@link runMigrations} works. */
export interface RunMigrationsOptions {
  flavor: SqlFlavor
  /** The table that records applied versions (`version` primary key, `applied_at` epoch ms). */
  migrationsTable: string
  /** The store's steps, in any order. */
  migrations: readonly SqlMigration[]
  /** @default Date.now */
  now?: () => number
}

/**
 * Brings a store's tables up to its newest migration, under the migration lock: creates the migrations table,
 * applies each step whose version is not recorded yet, in order, and records it.
 */
export async function runMigrations<DB>(typedDb: Kysely<DB>, options: RunMigrationsOptions): Promise<void> {
  // The store's typed view does not know the migrations table; migrations speak in table names.
  const db = typedDb as unknown as Kysely<SqlTables>
  const { flavor, migrationsTable } = options
  const now = options.now ?? Date.now
  const steps = [...options.migrations].sort((a, b) => a.version - b.version)
  await withMigrationLock(db, flavor, `${migrationsTable}_lock`, async (connection) => {
    await connection.schema
      .createTable(migrationsTable)
      .ifNotExists()
      .addColumn('version', 'integer', (column) => column.primaryKey())
      .addColumn('applied_at', 'bigint', (column) => column.notNull())
      .execute()
    const rows = (await connection.selectFrom(migrationsTable).select('version').execute()) as {
      version: number | string
    }[]
    const applied = new Set(rows.map((row) => Number(row.version)))
    for (const step of steps) {
      if (applied.has(step.version)) continue
      await step.up(connection, flavor)
      const insert = connection
        .insertInto(migrationsTable)
        .values({ version: step.version, applied_at: now() })
      await (
        flavor === 'mysql' ? insert.ignore() : insert.onConflict((conflict) => conflict.doNothing())
      ).execute()
    }
  })
}
