import { Kysely, sql } from 'kysely'
import { createSqlDialect } from '../sql/createSqlDialect'
import { identifierColumn } from '../sql/identifierColumn'
import { runMigrations } from '../sql/runMigrations'
import type { SqlMigration } from '../sql/runMigrations'
import { isValidTablePrefix, sqlFlavorOf } from '../sql/sqlFlavorOf'
import type { SqlFlavor } from '../sql/sqlFlavorOf'
import type { StateStore } from './StateStore'

/** Options of {@link createSqlStateStore}. */
export interface SqlStateStoreOptions {
  /** `sqlite:./file.sqlite`, `postgres://…` or `mysql://…` / `mariadb://…` (the binding store's URL is fine). */
  url: string
  /** Prefix of the tables `<prefix>login_states` and `<prefix>login_state_sets`. @default 'dingtalk_' */
  tablePrefix?: string
  /** Connections in the pool (PostgreSQL, MySQL). @default 5 */
  poolSize?: number
  /** Clock for expiry, epoch ms. @default Date.now */
  now?: () => number
}

/** A SQL {@link StateStore}, with its table names and a way to drop them. */
export interface SqlStateStore extends StateStore {
  readonly flavor: SqlFlavor
  /** The key–value table. */
  readonly table: string
  /** The table of set members (the session index). */
  readonly setTable: string
  /** Drops the tables (tests, uninstall). */
  dropTable(): Promise<void>
  close(): Promise<void>
}

type Row = { state_key: string; state_value: string; expires_at: number | string }

const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0n)

/**
 * A {@link StateStore} in a SQL table, for deployments with a database but no Redis: several processes share
 * login states, used codes, the app-token cache and its lock through it. Single use holds across processes:
 * `take` is a compare-and-delete, `set(…, 'nx')` an insert that only one writer wins, `extend` a conditional update. Expired rows are ignored
 * and swept now and then.
 *
 * @example
 * const stateStore = await createSqlStateStore({ url: process.env.DATABASE_URL })
 */
export async function createSqlStateStore(options: SqlStateStoreOptions): Promise<SqlStateStore> {
  const flavor = sqlFlavorOf(options.url)
  if (!flavor)
    throw new Error('createSqlStateStore: url must start with sqlite:, postgres://, mysql:// or mariadb://')
  const prefix = options.tablePrefix ?? 'dingtalk_'
  if (!isValidTablePrefix(prefix)) throw new Error('createSqlStateStore: invalid tablePrefix')
  const now = options.now ?? (() => Date.now())
  const table = `${prefix}login_states`
  const setTable = `${prefix}login_state_sets`
  const migrationsTable = `${prefix}state_migrations`
  const db = new Kysely<Record<string, Row>>({
    dialect: await createSqlDialect(flavor, options.url, options.poolSize ?? 5),
  })
  const T = sql.table(table)
  const S = sql.table(setTable)

  try {
    await runMigrations(db, { flavor, migrationsTable, migrations: stateStoreMigrations(table, setTable) })
  } catch (error) {
    await db.destroy()
    throw error
  }

  let writes = 0
  const sweep = async () => {
    if (++writes % 500 !== 0) return
    await sql`delete from ${T} where expires_at <= ${now()}`.execute(db)
    await sql`delete from ${S} where expires_at <= ${now()}`.execute(db)
  }

  const insertIfAbsent = (key: string, val: string, expiresAt: number) =>
    flavor === 'mysql'
      ? sql`insert ignore into ${T} (state_key, state_value, expires_at) values (${key}, ${val}, ${expiresAt})`
      : sql`insert into ${T} (state_key, state_value, expires_at) values (${key}, ${val}, ${expiresAt}) on conflict (state_key) do nothing`

  return {
    flavor,
    table,
    setTable,
    async set(key, val, ttlMs, mode) {
      const t = now()
      const expiresAt = t + Math.max(1, Math.ceil(ttlMs))
      await sweep()
      if (mode === 'xx') {
        const result =
          await sql`update ${T} set state_value = ${val}, expires_at = ${expiresAt} where state_key = ${key} and expires_at > ${t}`.execute(
            db,
          )
        return affected(result) > 0
      }
      // An expired row counts as absent: clear it, then of any number of concurrent inserts one wins.
      await sql`delete from ${T} where state_key = ${key} and expires_at <= ${t}`.execute(db)
      if (mode === 'nx') return affected(await insertIfAbsent(key, val, expiresAt).execute(db)) > 0
      const upsert =
        flavor === 'mysql'
          ? sql`insert into ${T} (state_key, state_value, expires_at) values (${key}, ${val}, ${expiresAt}) on duplicate key update state_value = values(state_value), expires_at = values(expires_at)`
          : sql`insert into ${T} (state_key, state_value, expires_at) values (${key}, ${val}, ${expiresAt}) on conflict (state_key) do update set state_value = excluded.state_value, expires_at = excluded.expires_at`
      await upsert.execute(db)
      return true
    },
    async get(key) {
      const { rows } = await sql<
        Pick<Row, 'state_value'>
      >`select state_value from ${T} where state_key = ${key} and expires_at > ${now()}`.execute(db)
      return rows[0]?.state_value ?? null
    },
    async take(key) {
      const { rows } = await sql<
        Pick<Row, 'state_value'>
      >`select state_value from ${T} where state_key = ${key} and expires_at > ${now()}`.execute(db)
      const found = rows[0]?.state_value
      if (found === undefined) return null
      // Compare-and-delete: of concurrent takers, only the one whose delete removes the row gets the value.
      const result = await sql`delete from ${T} where state_key = ${key} and state_value = ${found}`.execute(
        db,
      )
      return affected(result) > 0 ? found : null
    },
    async delete(key, expected) {
      const result =
        expected === undefined
          ? await sql`delete from ${T} where state_key = ${key} and expires_at > ${now()}`.execute(db)
          : await sql`delete from ${T} where state_key = ${key} and state_value = ${expected} and expires_at > ${now()}`.execute(
              db,
            )
      return affected(result) > 0
    },
    async extend(key, expected, ttlMs) {
      const t = now()
      const expiresAt = t + Math.max(1, Math.ceil(ttlMs))
      // One conditional update: renews only the expected, still live value.
      const result =
        await sql`update ${T} set expires_at = ${expiresAt} where state_key = ${key} and state_value = ${expected} and expires_at > ${t}`.execute(
          db,
        )
      return affected(result) > 0
    },
    async addToSet(setKey, member, ttlMs) {
      const expiresAt = now() + Math.max(1, Math.ceil(ttlMs))
      await sweep()
      const upsert =
        flavor === 'mysql'
          ? sql`insert into ${S} (set_key, member, expires_at) values (${setKey}, ${member}, ${expiresAt}) on duplicate key update expires_at = values(expires_at)`
          : sql`insert into ${S} (set_key, member, expires_at) values (${setKey}, ${member}, ${expiresAt}) on conflict (set_key, member) do update set expires_at = excluded.expires_at`
      await upsert.execute(db)
    },
    async setMembers(setKey) {
      const { rows } = await sql<{
        member: string
      }>`select member from ${S} where set_key = ${setKey} and expires_at > ${now()}`.execute(db)
      return rows.map((row) => row.member)
    },
    async removeFromSet(setKey, member) {
      await sql`delete from ${S} where set_key = ${setKey} and member = ${member}`.execute(db)
    },
    async dropTable() {
      for (const name of [table, setTable, migrationsTable])
        await db.schema.dropTable(name).ifExists().execute()
    },
    async close() {
      await db.destroy()
    },
  }
}

/** The state store's schema, step by step (each step idempotent, see {@link SqlMigration}). */
function stateStoreMigrations(table: string, setTable: string): SqlMigration[] {
  return [
    {
      version: 1,
      async up(db, flavor) {
        // Keys are case-sensitive hashes: MySQL's default collations would compare them case-insensitively.
        const key = identifierColumn(flavor, 191)
        const value = flavor === 'mysql' ? sql`longtext character set utf8mb4 collate utf8mb4_bin` : sql`text`
        await sql`create table if not exists ${sql.table(table)} (state_key ${key} not null primary key, state_value ${value} not null, expires_at bigint not null)`.execute(
          db,
        )
      },
    },
    {
      version: 2,
      // The session index: sets of session ids per user and per binding, each member expiring on its own.
      async up(db, flavor) {
        const text = identifierColumn(flavor, 191)
        await sql`create table if not exists ${sql.table(setTable)} (set_key ${text} not null, member ${text} not null, expires_at bigint not null, primary key (set_key, member))`.execute(
          db,
        )
      },
    },
  ]
}
