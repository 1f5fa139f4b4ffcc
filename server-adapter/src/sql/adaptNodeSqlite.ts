import type { SqliteDatabase, SqliteStatement } from 'kysely'

// The part of `node:sqlite` the stores use. Declared here because @types/node 20 has no `node:sqlite`, and the
// package must type-check and run on Node 20, where the module does not exist.

/** A prepared statement of `node:sqlite` (`StatementSync`). */
export interface NodeSqliteStatement {
  /** The result columns; empty for a statement that returns no rows (Node 22.16+, 23.11+). */
  columns(): unknown[]
  all(...parameters: unknown[]): Record<string, unknown>[]
  run(...parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint }
  iterate(...parameters: unknown[]): IterableIterator<Record<string, unknown>>
}

/** A `node:sqlite` database (`DatabaseSync`). */
export interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement
  exec(sql: string): void
  close(): void
}

/** The `node:sqlite` module. */
export interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeSqliteDatabase
  StatementSync: { prototype: Partial<NodeSqliteStatement> }
}

/**
 * `node:sqlite` of the running Node when it can back a Kysely store, else `null` (Node 20; Node 22 before 22.13
 * without `--experimental-sqlite`). It also needs `StatementSync#columns()` (Node 22.16+, 23.11+): that is how
 * the adapter tells a statement that returns rows (`select`, `… returning`) from one whose changes count.
 */
export function findNodeSqlite(): NodeSqliteModule | null {
  // getBuiltinModule, not an import: bundlers leave it alone, and Node 20 answers undefined instead of throwing.
  const found = process.getBuiltinModule?.('node:sqlite') as NodeSqliteModule | undefined
  if (!found || typeof found.StatementSync?.prototype?.columns !== 'function') return null
  return found
}

// node:sqlite returns rows with a null prototype; callers compare and spread them as plain objects.
const toPlainRow = (row: Record<string, unknown>): Record<string, unknown> => ({ ...row })

function adaptStatement(statement: NodeSqliteStatement): SqliteStatement {
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...parameters).map(toPlainRow),
    run: (parameters) => statement.run(...parameters),
    *iterate(parameters) {
      for (const row of statement.iterate(...parameters)) yield toPlainRow(row)
    },
  }
}

/**
 * A `node:sqlite` database in the shape Kysely's `SqliteDialect` drives (better-sqlite3's): the dialect then
 * brings the single-connection mutex, `begin`/`commit`/`rollback` transactions and savepoints, over the same
 * synchronous connection. Better-sqlite3 binds an array of parameters; `node:sqlite` takes them one by one.
 */
export function adaptNodeSqlite(database: NodeSqliteDatabase): SqliteDatabase {
  return {
    prepare: (sql) => adaptStatement(database.prepare(sql)),
    close: () => database.close(),
  }
}
