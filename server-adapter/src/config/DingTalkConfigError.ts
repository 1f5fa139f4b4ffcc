import { DingTalkAuthError } from '../errors'

/** One configuration problem: where (file), which field, what was expected, what was found, and how to fix it. */
export interface ConfigIssue {
  /** The file (or the option, e.g. `createDingTalkAuth options`, `instances[0]`) the problem is in. */
  file: string
  /** The field, e.g. `authConfig.corpId`, `session.secret`, `(folder)`. */
  field: string
  expected: string
  /** What was there. Never a secret's value: a secret is described by its length only. */
  found: string
  /** What to change, when it can be said more precisely than `expected`. */
  fix?: string
}

/** One issue as a line: `file: field: expected …, found … (fix: …)`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.file}: ${issue.field}: expected ${issue.expected}, found ${issue.found}${issue.fix ? ` (fix: ${issue.fix})` : ''}`
}

/**
 * Invalid configuration, code `config_error`: lists every problem found, each with its file, field, expectation,
 * finding and fix, never a secret's value. Every setup mistake of the package (instances, session secret, stores)
 * is one of these, so `catch (e) { if (e instanceof DingTalkConfigError) … e.issues }` sees them all.
 *
 * @example
 * throw new DingTalkConfigError([
 *   { file: 'createDingTalkAuth options', field: 'session.secret', expected: 'at least 32 bytes', found: '12 bytes' },
 * ])
 */
export class DingTalkConfigError extends DingTalkAuthError {
  /** Every problem found. */
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[], options: { cause?: unknown } = {}) {
    super('config_error', {
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      detail: `Invalid DingTalk login configuration:\n${issues.map((issue) => `  ${formatConfigIssue(issue)}`).join('\n')}`,
    })
    this.name = 'DingTalkConfigError'
    this.issues = issues
  }
}
