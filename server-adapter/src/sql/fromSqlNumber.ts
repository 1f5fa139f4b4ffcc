/** A number column as the drivers return it: PostgreSQL and MySQL give `bigint` columns back as strings. */
export function fromSqlNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value)
}
