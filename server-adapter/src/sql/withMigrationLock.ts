import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { SqlFlavor } from './sqlFlavorOf'

/**
 * Runs `work` on one connection while holding a database-wide named lock, so first starts of several processes
 * migrate one after the other: concurrent `CREATE TABLE IF NOT EXISTS` can still collide on PostgreSQL's catalog
 * and MySQL's data dictionary. PostgreSQL takes a session advisory lock, MySQL/MariaDB `GET_LOCK`; SQLite needs
 * none (one writer at a time, and `busy_timeout` waits for it).
 */
export async function withMigrationLock<DB, T>(
  db: Kysely<DB>,
  flavor: SqlFlavor,
  lockName: string,
  work: (connection: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    if (flavor === 'postgres') await sql`select pg_advisory_lock(hashtext(${lockName}))`.execute(connection)
    if (flavor === 'mysql') await sql`select get_lock(${lockName}, 30)`.execute(connection)
    try {
      return await work(connection)
    } finally {
      if (flavor === 'postgres')
        await sql`select pg_advisory_unlock(hashtext(${lockName}))`.execute(connection)
      if (flavor === 'mysql') await sql`select release_lock(${lockName})`.execute(connection)
    }
  })
}
