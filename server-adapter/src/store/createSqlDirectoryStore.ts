import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { fromSqlNumber } from '../sql/fromSqlNumber'
import { identifierColumn } from '../sql/identifierColumn'
import type { SqlMigration, SqlTables } from '../sql/runMigrations'
import type { SqlFlavor } from '../sql/sqlFlavorOf'
import type { DirectoryDepartment, DirectoryPerson, DirectoryStore, MembershipState } from './DirectoryStore'

/** The directory's table names (next to the bindings table they read). */
export interface SqlDirectoryTables {
  bindings: string
  departments: string
  people: string
}

interface DepartmentRow {
  corp_id: string
  dept_id: number | string
  name: string
  parent_id: number | string | null
  update_time: number | string
}

interface PersonRow {
  corp_id: string
  union_id: string
  ding_user_id: string
  name: string | null
  title: string | null
  job_number: string | null
  avatar: string | null
  dept_ids: string
  leader_in_dept_ids: string
  manager_user_id: string | null
  admin: number | string | boolean
  state: string
  left_at: number | string | null
  update_time: number | string
}

// Rows are written in slices, so one statement stays well under every database's parameter limit.
const ROWS_PER_STATEMENT = 200

function parseIds(text: string): number[] {
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value) ? value.filter((id): id is number => Number.isSafeInteger(id)) : []
  } catch {
    return []
  }
}

function toDepartment(row: DepartmentRow): DirectoryDepartment {
  return {
    corpId: row.corp_id,
    deptId: fromSqlNumber(row.dept_id),
    name: row.name,
    parentId: row.parent_id === null ? null : fromSqlNumber(row.parent_id),
    updateTime: fromSqlNumber(row.update_time),
  }
}

function toDepartmentRow(department: DirectoryDepartment): DepartmentRow {
  return {
    corp_id: department.corpId,
    dept_id: department.deptId,
    name: department.name,
    parent_id: department.parentId,
    update_time: department.updateTime,
  }
}

function toPerson(row: PersonRow): DirectoryPerson {
  return {
    corpId: row.corp_id,
    unionId: row.union_id,
    dingUserId: row.ding_user_id,
    name: row.name,
    title: row.title,
    jobNumber: row.job_number,
    avatar: row.avatar,
    deptIds: parseIds(row.dept_ids),
    leaderInDeptIds: parseIds(row.leader_in_dept_ids),
    managerUserId: row.manager_user_id,
    admin: row.admin === true || Number(row.admin) === 1,
    state: row.state === 'left' ? 'left' : 'active',
    leftAt: row.left_at === null ? null : fromSqlNumber(row.left_at),
    updateTime: fromSqlNumber(row.update_time),
  }
}

function toPersonRow(person: DirectoryPerson): PersonRow {
  return {
    corp_id: person.corpId,
    union_id: person.unionId,
    ding_user_id: person.dingUserId,
    name: person.name,
    title: person.title,
    job_number: person.jobNumber,
    avatar: person.avatar,
    dept_ids: JSON.stringify(person.deptIds),
    leader_in_dept_ids: JSON.stringify(person.leaderInDeptIds),
    manager_user_id: person.managerUserId,
    admin: person.admin ? 1 : 0,
    state: person.state,
    left_at: person.leftAt,
    update_time: person.updateTime,
  }
}

const DEPARTMENT_COLUMNS = ['name', 'parent_id', 'update_time'] as const
const PERSON_COLUMNS = [
  'ding_user_id',
  'name',
  'title',
  'job_number',
  'avatar',
  'dept_ids',
  'leader_in_dept_ids',
  'manager_user_id',
  'admin',
  'state',
  'left_at',
  'update_time',
] as const

/**
 * Inserts rows or rewrites the ones with the same key: `on conflict … do update` (PostgreSQL, SQLite),
 * `on duplicate key update` (MySQL/MariaDB).
 */
async function upsertRows(
  db: Kysely<SqlTables>,
  flavor: SqlFlavor,
  table: string,
  keyColumns: readonly string[],
  updateColumns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const slice = rows.slice(start, start + ROWS_PER_STATEMENT)
    const insert = db.insertInto(table).values(slice)
    if (flavor === 'mysql') {
      const set = Object.fromEntries(updateColumns.map((c) => [c, sql`values(${sql.ref(c)})`]))
      await insert.onDuplicateKeyUpdate(set).execute()
    } else {
      const set = Object.fromEntries(updateColumns.map((c) => [c, sql.ref(`excluded.${c}`)]))
      await insert
        .onConflict((conflict) => conflict.columns(keyColumns as string[]).doUpdateSet(set))
        .execute()
    }
  }
}

/**
 * The directory half of a SQL binding store, on the store's Kysely instance (`updateBindingUserId` is the binding
 * store's: it writes a binding).
 */
export function createSqlDirectoryStore(
  db: Kysely<SqlTables>,
  flavor: SqlFlavor,
  tables: SqlDirectoryTables,
): Omit<DirectoryStore, 'updateBindingUserId'> {
  const D = tables.departments
  const P = tables.people
  return {
    async listDepartments(corpId) {
      const rows = (await db
        .selectFrom(D)
        .selectAll()
        .where('corp_id', '=', corpId)
        .orderBy('dept_id')
        .execute()) as unknown as DepartmentRow[]
      return rows.map(toDepartment)
    },
    async upsertDepartments(departments) {
      await upsertRows(
        db,
        flavor,
        D,
        ['corp_id', 'dept_id'],
        DEPARTMENT_COLUMNS,
        departments.map(toDepartmentRow) as unknown as Record<string, unknown>[],
      )
    },
    async removeDepartments(corpId, deptIds) {
      if (deptIds.length === 0) return
      await db
        .deleteFrom(D)
        .where('corp_id', '=', corpId)
        .where('dept_id', 'in', [...deptIds])
        .execute()
    },
    async findPerson(key) {
      let query = db.selectFrom(P).selectAll().where('corp_id', '=', key.corpId)
      query =
        'unionId' in key
          ? query.where('union_id', '=', key.unionId)
          : query.where('ding_user_id', '=', key.dingUserId)
      // By userid: the active person first ('active' < 'left'), then the newest.
      const row = (await query.orderBy('state').orderBy('update_time', 'desc').executeTakeFirst()) as
        PersonRow | undefined
      return row ? toPerson(row) : null
    },
    async listPeople(corpId, filter?: { state?: MembershipState }) {
      let query = db.selectFrom(P).selectAll().where('corp_id', '=', corpId)
      if (filter?.state) query = query.where('state', '=', filter.state)
      return ((await query.execute()) as unknown as PersonRow[]).map(toPerson)
    },
    async upsertPeople(people) {
      await upsertRows(
        db,
        flavor,
        P,
        ['corp_id', 'union_id'],
        PERSON_COLUMNS,
        people.map(toPersonRow) as unknown as Record<string, unknown>[],
      )
    },
    async listBoundPeople(corpId) {
      const rows = (await db
        .selectFrom(tables.bindings)
        .select(['id', 'third_user_id', 'union_id'])
        .where('third_corp_id', '=', corpId)
        .execute()) as { id: string; third_user_id: string; union_id: string }[]
      return rows.map((row) => ({ bindingId: row.id, dingUserId: row.third_user_id, unionId: row.union_id }))
    },
  }
}

/**
 * Migration 2: the departments and people tables. New tables only, so every binding and user of a store made
 * before it stays as it was; a bound person without a people row counts as active until a sync sees them.
 */
export function directoryMigration(tables: SqlDirectoryTables): SqlMigration {
  return {
    version: 2,
    async up(db, flavor) {
      const identifier = (length: number) => identifierColumn(flavor, length)
      await db.schema
        .createTable(tables.departments)
        .ifNotExists()
        .addColumn('corp_id', identifier(64), (c) => c.notNull())
        .addColumn('dept_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('parent_id', 'bigint')
        .addColumn('update_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${tables.departments}_pk`, ['corp_id', 'dept_id'])
        .execute()
      await db.schema
        .createTable(tables.people)
        .ifNotExists()
        .addColumn('corp_id', identifier(64), (c) => c.notNull())
        .addColumn('union_id', identifier(128), (c) => c.notNull())
        .addColumn('ding_user_id', identifier(128), (c) => c.notNull())
        .addColumn('name', 'varchar(255)')
        .addColumn('title', 'varchar(255)')
        .addColumn('job_number', 'varchar(128)')
        .addColumn('avatar', 'varchar(1024)')
        .addColumn('dept_ids', 'text', (c) => c.notNull())
        .addColumn('leader_in_dept_ids', 'text', (c) => c.notNull())
        .addColumn('manager_user_id', identifier(128))
        .addColumn('admin', 'integer', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('left_at', 'bigint')
        .addColumn('update_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${tables.people}_pk`, ['corp_id', 'union_id'])
        // Also the index of look-ups by (corp, userid): `create index if not exists` is not portable to MySQL.
        .addUniqueConstraint(`${tables.people}_corp_user_uq`, ['corp_id', 'ding_user_id', 'union_id'])
        .execute()
    },
  }
}
