import { Kysely } from 'kysely'
import type { Insertable, Selectable } from 'kysely'
import { createSqlDialect } from '../sql/createSqlDialect'
import type { SqlDriverName } from '../sql/createSqlDialect'
import type { SqliteDriverName } from '../sql/openSqliteDatabase'
import { runMigrations } from '../sql/runMigrations'
import { isValidTablePrefix, sqlFlavorOf } from '../sql/sqlFlavorOf'
import type { SqlFlavor } from '../sql/sqlFlavorOf'
import type { BindingKey, BindingStore, DDInnerAuthModel, LocalUser } from './BindingStore'
import { toBinding, toBindingRow, toUser } from './bindingRows'
import type { BindingRow, UserRow } from './bindingRows'
import { bindingStoreMigrations } from './bindingStoreMigrations'
import { caseSensitiveIdentifiersMigration } from './caseSensitiveIdentifiersMigration'
import { createSqlDirectoryStore, directoryMigration } from './createSqlDirectoryStore'
import type { DirectoryStore } from './DirectoryStore'

/** Options of {@link createSqlBindingStore}. */
export interface SqlBindingStoreOptions {
  /**
   * Where: `sqlite:./path/file.sqlite` (`sqlite::memory:` for a throwaway database), `postgres://…` /
   * `postgresql://…`, or `mysql://…` / `mariadb://…`.
   */
  url: string
  /**
   * Prefix of the tables (`<prefix>auth_bindings`, `<prefix>users`, `<prefix>migrations`), so the store never
   * collides with the app's own tables. @default 'dingtalk_'
   */
  tablePrefix?: string
  /** Connections in the pool (PostgreSQL, MySQL). @default 10 */
  poolSize?: number
  /**
   * The SQLite driver of a `sqlite:` URL: Node's built-in `node:sqlite` (Node 22.16+, 24; nothing to install) or
   * the `better-sqlite3` package (an optional peer dependency, compiled on install).
   * @default 'node:sqlite' where the running Node has it, else 'better-sqlite3'
   */
  sqliteDriver?: SqliteDriverName
}

/** A SQL {@link BindingStore}, with access to the flavour and the Kysely instance (e.g. for app queries). */
export interface SqlBindingStore extends BindingStore, DirectoryStore {
  readonly flavor: SqlFlavor
  /** The driver it runs on. */
  readonly driver: SqlDriverName
  /** The table names in use. */
  readonly tables: {
    bindings: string
    users: string
    migrations: string
    departments: string
    people: string
  }
  /** Drops the store's tables (tests, uninstall). */
  dropTables(): Promise<void>
  close(): Promise<void>
}

type Tables = Record<string, Record<string, unknown>>

// Lock conflicts that a retry resolves: PostgreSQL deadlock / serialization, MySQL deadlock / lock wait, SQLite busy.
function isTransient(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown } | null
  const code = e?.code
  return (
    code === '40P01' ||
    code === '40001' ||
    code === 'ER_LOCK_DEADLOCK' ||
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    code === 'SQLITE_BUSY' ||
    e?.errno === 1213
  )
}

/**
 * A {@link BindingStore} on SQLite (`node:sqlite` or `better-sqlite3`), PostgreSQL (`pg`) or MySQL/MariaDB
 * (`mysql2`), through one Kysely code path. The drivers are optional peer dependencies: a missing one is a
 * `MissingDriverError` naming the package to install. Creates the tables on first start (and the SQLite file and its folder).
 */
export async function createSqlBindingStore(options: SqlBindingStoreOptions): Promise<SqlBindingStore> {
  const flavor = sqlFlavorOf(options.url)
  if (!flavor)
    throw new Error('createSqlBindingStore: url must start with sqlite:, postgres://, mysql:// or mariadb://')
  const prefix = options.tablePrefix ?? 'dingtalk_'
  if (!isValidTablePrefix(prefix)) throw new Error('createSqlBindingStore: invalid tablePrefix')
  const tables = {
    bindings: `${prefix}auth_bindings`,
    users: `${prefix}users`,
    migrations: `${prefix}migrations`,
    departments: `${prefix}departments`,
    people: `${prefix}people`,
  }
  const dialect = await createSqlDialect(flavor, options.url, options.poolSize ?? 10, {
    ...(options.sqliteDriver ? { sqliteDriver: options.sqliteDriver } : {}),
  })
  const db = new Kysely<Tables>({ dialect })
  const B = tables.bindings
  const U = tables.users

  try {
    await runMigrations(db, {
      flavor,
      migrationsTable: tables.migrations,
      migrations: [
        ...bindingStoreMigrations(tables),
        directoryMigration(tables),
        caseSensitiveIdentifiersMigration(tables),
      ],
    })
  } catch (error) {
    await db.destroy()
    throw error
  }

  const selectBinding = (key: BindingKey) => {
    let query = db.selectFrom(B).selectAll()
    if ('id' in key) query = query.where('id', '=', key.id)
    else if ('dingUserId' in key)
      query = query.where('third_corp_id', '=', key.corpId).where('third_user_id', '=', key.dingUserId)
    else query = query.where('third_corp_id', '=', key.corpId).where('union_id', '=', key.unionId)
    return query
  }

  async function findBinding(key: BindingKey): Promise<DDInnerAuthModel | null> {
    const row = (await selectBinding(key).executeTakeFirst()) as BindingRow | undefined
    return row ? toBinding(row) : null
  }

  async function tryCreate(binding: DDInnerAuthModel, user?: LocalUser): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const values = toBindingRow(binding) as Insertable<BindingRow>
      const insert =
        flavor === 'mysql'
          ? trx.insertInto(B).ignore().values(values)
          : trx
              .insertInto(B)
              .values(values)
              .onConflict((oc) => oc.doNothing())
      const result = await insert.executeTakeFirst()
      const created = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0
      if (created && user) {
        const row: UserRow = {
          id: user.id,
          name: user.name,
          avatar: user.avatar,
          create_time: user.createTime,
          update_time: user.updateTime,
        }
        await trx
          .insertInto(U)
          .values(row as Insertable<UserRow>)
          .execute()
      }
      return created
    })
  }

  return {
    ...createSqlDirectoryStore(db, flavor, tables),
    flavor,
    driver: dialect.driverName,
    tables,
    findBinding,
    async createBinding(binding, user) {
      for (let attempt = 0; ; attempt++) {
        try {
          const created = await tryCreate(binding, user)
          if (created) return { binding: { ...binding }, created: true }
          const existing =
            (await findBinding({ corpId: binding.thirdCorpId, dingUserId: binding.thirdUserId })) ??
            (await findBinding({ corpId: binding.thirdCorpId, unionId: binding.unionId }))
          if (existing) return { binding: existing, created: false }
          // The conflicting row vanished between the insert and the read (deleted): try again.
        } catch (error) {
          if (!isTransient(error) || attempt >= 5) throw error
        }
        if (attempt >= 5) throw new Error('createBinding: could not create or find the binding')
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)))
      }
    },
    async updateBinding(id, profile, updateTime) {
      await db
        .updateTable(B)
        .set({
          name: profile.name,
          job_number: profile.jobNumber,
          phone: profile.phone,
          email: profile.email,
          hired_date: profile.hiredDate,
          photo: profile.photo,
          raw_profile: profile.rawProfile,
          update_time: updateTime,
        } as Partial<BindingRow>)
        .where('id', '=', id)
        .execute()
      return findBinding({ id })
    },
    async updateBindingUserId(id, dingUserId, updateTime, options = {}) {
      let update = db
        .updateTable(B)
        .set({ third_user_id: dingUserId, update_time: updateTime } as Partial<BindingRow>)
        .where('id', '=', id)
      const expected = options.expectedUserId
      if (expected !== undefined) update = update.where('third_user_id', '=', expected)
      await update.execute()
      const after = await findBinding({ id })
      // Conditional: the binding held another userid, so the statement changed nothing.
      if (expected !== undefined && after?.thirdUserId !== dingUserId) return null
      return after
    },
    async findUser(id) {
      const row = (await db.selectFrom(U).selectAll().where('id', '=', id).executeTakeFirst()) as
        Selectable<UserRow> | undefined
      return row ? toUser(row as UserRow) : null
    },
    async updateUser(id, patch) {
      await db
        .updateTable(U)
        .set({ name: patch.name, avatar: patch.avatar, update_time: patch.updateTime } as Partial<UserRow>)
        .where('id', '=', id)
        .execute()
    },
    async dropTables() {
      for (const table of [B, U, tables.departments, tables.people, tables.migrations])
        await db.schema.dropTable(table).ifExists().execute()
    },
    async close() {
      await db.destroy()
    },
  }
}
