import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely'
import type { Dialect } from 'kysely'
import type { SqlFlavor } from './sqlFlavorOf'

/**
 * The Kysely dialect for a store URL (SQLite through better-sqlite3, PostgreSQL through pg, MySQL/MariaDB through
 * mysql2), so every SQL store of the package opens databases the same way.
 */
export async function createSqlDialect(flavor: SqlFlavor, url: string, poolSize: number): Promise<Dialect> {
  if (flavor === 'sqlite') {
    const path = url.slice('sqlite:'.length)
    const { default: Database } = await import('better-sqlite3')
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(resolve(path)), { recursive: true })
    const db = new Database(path === '' ? ':memory:' : path)
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 5000')
    return new SqliteDialect({ database: db })
  }
  if (flavor === 'postgres') {
    const { default: pg } = await import('pg')
    return new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: poolSize }) })
  }
  const mysql = await import('mysql2')
  return new MysqlDialect({
    pool: mysql.createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: poolSize }),
  })
}
