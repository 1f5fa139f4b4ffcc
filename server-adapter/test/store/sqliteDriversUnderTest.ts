import type { SqliteDriverName } from 'dingtalk-login-server'
import { findNodeSqlite } from '../../src/sql/adaptNodeSqlite'

/**
 * The SQLite drivers the store suites run on: `DINGTALK_TEST_SQLITE_DRIVERS` (comma-separated) when set, as CI
 * does under Node 22 and 24, where the installed better-sqlite3 is built for Node 20; otherwise better-sqlite3
 * (a devDependency of the workspace) and, where the running Node has it, node:sqlite.
 */
export function sqliteDriversUnderTest(): SqliteDriverName[] {
  const asked = process.env.DINGTALK_TEST_SQLITE_DRIVERS
  if (asked) {
    const drivers = asked.split(',').map((name) => name.trim())
    for (const name of drivers) {
      if (name !== 'node:sqlite' && name !== 'better-sqlite3')
        throw new Error(`DINGTALK_TEST_SQLITE_DRIVERS: unknown driver ${JSON.stringify(name)}`)
    }
    return drivers as SqliteDriverName[]
  }
  return findNodeSqlite() ? ['better-sqlite3', 'node:sqlite'] : ['better-sqlite3']
}
