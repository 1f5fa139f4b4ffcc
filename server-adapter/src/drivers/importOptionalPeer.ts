import { MissingDriverError } from './MissingDriverError'

/** The optional peer dependencies the stores load on demand, and what each is for. */
export const OPTIONAL_DRIVERS = {
  'better-sqlite3': 'a sqlite: store on a Node without node:sqlite (Node 20, Node 22 before 22.16)',
  pg: 'a postgres:// store',
  mysql2: 'a mysql:// or mariadb:// store',
  ioredis: 'a redis:// state store',
  ws: "the directory's Stream mode events (directory.events: 'stream')",
} as const

/** One of the drivers in {@link OPTIONAL_DRIVERS}. */
export type OptionalDriver = keyof typeof OPTIONAL_DRIVERS

// A specifier a bundler cannot see: Next.js (webpack, Turbopack) and Vite would otherwise try to bundle every
// driver the code names and fail on the ones the app did not install ("Module not found: Can't resolve 'mysql2'").
// The magic comments keep webpack and Turbopack from replacing the import with an empty module context.
const importAtRuntime = (specifier: string): Promise<unknown> =>
  import(/* webpackIgnore: true */ /* turbopackIgnore: true */ /* @vite-ignore */ specifier)

function isNotFound(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false
  // Only the peer itself: a broken install that lacks one of the peer's own dependencies is another story.
  return typeof message === 'string' && message.includes(`'${packageName}'`)
}

/**
 * Imports an optional peer dependency when a store first needs it (never at import time of this package), or
 * throws a {@link MissingDriverError} that names the package and the install command.
 */
export async function importOptionalPeer<Module>(packageName: OptionalDriver): Promise<Module> {
  try {
    return (await importAtRuntime(packageName)) as Module
  } catch (error) {
    if (!isNotFound(error, packageName)) throw error
    throw new MissingDriverError(packageName, {
      detail: `${OPTIONAL_DRIVERS[packageName]} needs the optional peer dependency ${packageName}, which is not installed: npm install ${packageName}`,
      cause: error,
    })
  }
}
