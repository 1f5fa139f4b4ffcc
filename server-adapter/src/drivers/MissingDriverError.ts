import { DingTalkAuthError } from '../errors'

/**
 * A store needs a database driver that is not installed (or, for a native one, not built for this Node). The
 * drivers are optional peer dependencies, so installing this package compiles nothing; `packageName` is what to
 * install, and the message says how.
 */
export class MissingDriverError extends DingTalkAuthError {
  /** The npm package to install, e.g. `better-sqlite3`. */
  readonly packageName: string

  constructor(packageName: string, options: { detail: string; cause?: unknown }) {
    super('config_error', options)
    this.name = 'MissingDriverError'
    this.packageName = packageName
  }
}
