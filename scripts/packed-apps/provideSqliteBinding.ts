import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const BINDING = join('build', 'Release', 'better_sqlite3.node')

/**
 * Gives an app installed with `--ignore-scripts` the `better-sqlite3` binding the workspace's `npm ci` compiled.
 * Users get a prebuilt binding downloaded from GitHub by better-sqlite3's install script; this machine cannot reach
 * GitHub, and compiling it again costs minutes, so CI reuses the one it has (same version, same Node).
 */
export function provideSqliteBinding(workspaceRoot: string, appDir: string): void {
  const target = join(appDir, 'node_modules', 'better-sqlite3')
  if (!existsSync(target)) return
  const source = join(workspaceRoot, 'node_modules', 'better-sqlite3')
  const version = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
  if (!existsSync(join(source, BINDING)))
    throw new Error(`the workspace has no compiled ${join(source, BINDING)}`)
  if (version(source) !== version(target)) {
    throw new Error(
      `better-sqlite3 ${version(target)} in the app, ${version(source)} in the workspace: pin the same version`,
    )
  }
  mkdirSync(dirname(join(target, BINDING)), { recursive: true })
  copyFileSync(join(source, BINDING), join(target, BINDING))
}
