import { sql } from 'kysely'
import { identifierColumn } from '../sql/identifierColumn'
import type { SqlMigration } from '../sql/runMigrations'

/** The binding store's schema, step by step (each step idempotent, see {@link SqlMigration}). */
export function bindingStoreMigrations(tables: { bindings: string; users: string }): SqlMigration[] {
  return [
    {
      version: 1,
      async up(db, flavor) {
        const bigint = 'bigint' as const
        const longText = flavor === 'mysql' ? sql`mediumtext` : sql`text`
        const identifier = (length: number) => identifierColumn(flavor, length)
        await db.schema
          .createTable(tables.users)
          .ifNotExists()
          .addColumn('id', identifier(191), (c) => c.primaryKey())
          .addColumn('name', 'varchar(255)')
          .addColumn('avatar', 'varchar(1024)')
          .addColumn('create_time', bigint, (c) => c.notNull())
          .addColumn('update_time', bigint, (c) => c.notNull())
          .execute()
        await db.schema
          .createTable(tables.bindings)
          .ifNotExists()
          .addColumn('id', identifier(36), (c) => c.primaryKey())
          .addColumn('user_id', identifier(191), (c) => c.notNull())
          .addColumn('third_corp_id', identifier(64), (c) => c.notNull())
          .addColumn('third_user_id', identifier(128), (c) => c.notNull())
          .addColumn('union_id', identifier(128), (c) => c.notNull())
          .addColumn('name', 'varchar(255)')
          .addColumn('job_number', 'varchar(128)')
          .addColumn('phone', 'varchar(64)')
          .addColumn('email', 'varchar(255)')
          .addColumn('hired_date', bigint)
          .addColumn('photo', 'varchar(1024)')
          .addColumn('create_time', bigint, (c) => c.notNull())
          .addColumn('update_time', bigint, (c) => c.notNull())
          .addColumn('raw_profile', longText)
          .addUniqueConstraint(`${tables.bindings}_corp_user_uq`, ['third_corp_id', 'third_user_id'])
          .addUniqueConstraint(`${tables.bindings}_corp_union_uq`, ['third_corp_id', 'union_id'])
          .execute()
      },
    },
  ]
}
