import { sql } from 'kysely'
import type { RawBuilder } from 'kysely'
import type { SqlFlavor } from './sqlFlavorOf'

/**
 * The type of a column that holds an identifier (a corpId, userid, unionId, local user id): `varchar(length)`,
 * compared byte for byte. MySQL/MariaDB's default collations ignore letter case, so there the column is
 * `utf8mb4_bin`: otherwise `manager4220` and `Manager4220` would be one person's key.
 */
export function identifierColumn(flavor: SqlFlavor, length: number): RawBuilder<unknown> {
  const varchar = sql`varchar(${sql.raw(String(length))})`
  return flavor === 'mysql' ? sql`${varchar} character set utf8mb4 collate utf8mb4_bin` : varchar
}
