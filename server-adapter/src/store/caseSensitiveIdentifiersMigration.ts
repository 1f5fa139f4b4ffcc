import { sql } from 'kysely'
import { identifierColumn } from '../sql/identifierColumn'
import type { SqlMigration } from '../sql/runMigrations'

/** The tables of a SQL binding store whose identifier columns the migration converts. */
export interface CaseSensitiveIdentifiersTables {
  bindings: string
  users: string
  departments: string
  people: string
}

interface IdentifierColumn {
  name: string
  length: number
  notNull: boolean
}

const required = (name: string, length: number): IdentifierColumn => ({ name, length, notNull: true })

/**
 * Migration 3: on MySQL/MariaDB, the identifier columns of a store made before migrations 1 and 2 created them
 * `utf8mb4_bin` become so, and ids compare byte for byte as on PostgreSQL and SQLite. Before, two people whose
 * userids or unionIds differ only by letter case shared one binding there. No unique key can break: a binary
 * collation only tells more values apart. Columns that are `utf8mb4_bin` already stay as they are.
 */
export function caseSensitiveIdentifiersMigration(tables: CaseSensitiveIdentifiersTables): SqlMigration {
  const columnsByTable: [string, IdentifierColumn[]][] = [
    [tables.users, [required('id', 191)]],
    [
      tables.bindings,
      [
        required('id', 36),
        required('user_id', 191),
        required('third_corp_id', 64),
        required('third_user_id', 128),
        required('union_id', 128),
      ],
    ],
    [tables.departments, [required('corp_id', 64)]],
    [
      tables.people,
      [
        required('corp_id', 64),
        required('union_id', 128),
        required('ding_user_id', 128),
        { name: 'manager_user_id', length: 128, notNull: false },
      ],
    ],
  ]
  return {
    version: 3,
    async up(db, flavor) {
      // Only MySQL/MariaDB's default collations ignore letter case.
      if (flavor !== 'mysql') return
      for (const [table, columns] of columnsByTable) {
        const modifications = columns.map(
          (column) =>
            sql`modify ${sql.ref(column.name)} ${identifierColumn(flavor, column.length)} ${column.notNull ? sql`not null` : sql`null`}`,
        )
        await sql`alter table ${sql.table(table)} ${sql.join(modifications)}`.execute(db)
      }
    },
  }
}
