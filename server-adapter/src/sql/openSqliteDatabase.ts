import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { SqliteDatabase } from 'kysely'
import { MissingDriverError } from '../drivers/MissingDriverError'
import { importOptionalPeer } from '../drivers/importOptionalPeer'
import { DingTalkAuthError } from '../errors'
import { adaptNodeSqlite, findNodeSqlite } from './adaptNodeSqlite'

/** The SQLite drivers a `sqlite:` store runs on: Node's built-in `node:sqlite`, or the `better-sqlite3` package. */
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3'

interface BetterSqlite3Database extends SqliteDatabase {
  pragma(source: string): unknown
}
type BetterSqlite3Module = { default: new (path: string) => BetterSqlite3Database }

// better-sqlite3 loads its native part in the constructor; one built for another Node fails there.
const NATIVE_LOAD_FAILURE =
  /bindings file|NODE_MODULE_VERSION|better_sqlite3\.node|invalid ELF|undefined symbol/

async function importBetterSqlite3(): Promise<BetterSqlite3Module> {
  try {
    return await importOptionalPeer<BetterSqlite3Module>('better-sqlite3')
  } catch (error) {
    if (!(error instanceof MissingDriverError)) throw error
    const instead = findNodeSqlite()
      ? "or leave sqliteDriver unset to use this Node's node:sqlite"
      : 'or run Node 22.16+ or 24, which have node:sqlite built in'
    throw new MissingDriverError('better-sqlite3', {
      detail: `A sqlite: store on ${process.version} needs the optional peer dependency better-sqlite3, which is not installed: npm install better-sqlite3 (${instead})`,
      cause: error.cause,
    })
  }
}

async function openBetterSqlite3(file: string): Promise<SqliteDatabase> {
  const { default: Database } = await importBetterSqlite3()
  let database: BetterSqlite3Database
  try {
    database = new Database(file)
  } catch (error) {
    if (!(error instanceof Error) || !NATIVE_LOAD_FAILURE.test(error.message)) throw error
    throw new MissingDriverError('better-sqlite3', {
      detail: `better-sqlite3 is installed but its native part is not built for this Node (${process.version}): npm rebuild better-sqlite3`,
      cause: error,
    })
  }
  database.pragma('journal_mode = WAL')
  database.pragma('busy_timeout = 5000')
  return database
}

function openNodeSqlite(file: string): SqliteDatabase {
  const database = new (findNodeSqlite()!.DatabaseSync)(file)
  database.exec('pragma journal_mode = WAL')
  database.exec('pragma busy_timeout = 5000')
  return adaptNodeSqlite(database)
}

/** Which driver `sqlite:` uses when none is asked for: Node's own where it has one, else better-sqlite3. */
export function defaultSqliteDriver(): SqliteDriverName {
  return findNodeSqlite() ? 'node:sqlite' : 'better-sqlite3'
}

/**
 * Opens (and creates, with its folder) the SQLite file of a `sqlite:<path>` URL (`sqlite::memory:` or `sqlite:`
 * for a throwaway in-memory database) in WAL mode, waiting up to 5 s for another writer.
 */
export async function openSqliteDatabase(
  url: string,
  driver: SqliteDriverName = defaultSqliteDriver(),
): Promise<SqliteDatabase> {
  const path = url.slice('sqlite:'.length)
  const file = path === '' ? ':memory:' : path
  if (driver === 'node:sqlite' && !findNodeSqlite()) {
    throw new DingTalkAuthError('config_error', {
      detail: `sqliteDriver 'node:sqlite' needs Node 22.16+ or 24 (this is ${process.version}): run a newer Node, or use 'better-sqlite3' (npm install better-sqlite3)`,
    })
  }
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true })
  return driver === 'node:sqlite' ? openNodeSqlite(file) : await openBetterSqlite3(file)
}
