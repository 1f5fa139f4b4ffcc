/** The SQL databases the SQL stores run on. */
export type SqlFlavor = 'sqlite' | 'postgres' | 'mysql'

/** Detects the flavour of a store URL, or `null` when it is not a SQL URL. */
export function sqlFlavorOf(url: string): SqlFlavor | null {
  if (url.startsWith('sqlite:')) return 'sqlite'
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres'
  if (/^(mysql|mariadb):\/\//.test(url)) return 'mysql'
  return null
}

const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,30}$/

/** Whether a table prefix is safe to splice into table names (letters, digits, `_`; at most 31 characters). */
export function isValidTablePrefix(prefix: string): boolean {
  return TABLE_PREFIX.test(prefix)
}
