import { MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely'
import type { Dialect } from 'kysely'
import type * as Mysql2 from 'mysql2'
import type * as Pg from 'pg'
import { importOptionalPeer } from '../drivers/importOptionalPeer'
import { defaultSqliteDriver, openSqliteDatabase } from './openSqliteDatabase'
import type { SqliteDriverName } from './openSqliteDatabase'
import type { SqlFlavor } from './sqlFlavorOf'

/** The driver behind a SQL store. */
export type SqlDriverName = SqliteDriverName | 'pg' | 'mysql2'

/** A Kysely dialect, and which driver it runs on. */
export type SqlDialect = Dialect & { readonly driverName: SqlDriverName }

/** Choices of {@link createSqlDialect}. */
export interface SqlDialectOptions {
  /** For `sqlite:` URLs. @default 'node:sqlite' where the running Node has it, else 'better-sqlite3' */
  sqliteDriver?: SqliteDriverName
}

type PgModule = { default: typeof Pg }

/**
 * The Kysely dialect for a store URL, so every SQL store of the package opens databases the same way: SQLite
 * through `node:sqlite` or `better-sqlite3`, PostgreSQL through `pg`, MySQL/MariaDB through `mysql2`. The
 * drivers are optional peer dependencies, loaded here and not before; a missing one is a `MissingDriverError`.
 */
export async function createSqlDialect(
  flavor: SqlFlavor,
  url: string,
  poolSize: number,
  options: SqlDialectOptions = {},
): Promise<SqlDialect> {
  if (flavor === 'sqlite') {
    const driverName = options.sqliteDriver ?? defaultSqliteDriver()
    const database = await openSqliteDatabase(url, driverName)
    return Object.assign(new SqliteDialect({ database }), { driverName })
  }
  if (flavor === 'postgres') {
    const { default: pg } = await importOptionalPeer<PgModule>('pg')
    const pool = new pg.Pool({ connectionString: url, max: poolSize })
    return Object.assign(new PostgresDialect({ pool }), { driverName: 'pg' as const })
  }
  const mysql = await importOptionalPeer<typeof Mysql2>('mysql2')
  const pool = mysql.createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: poolSize })
  return Object.assign(new MysqlDialect({ pool }), { driverName: 'mysql2' as const })
}
