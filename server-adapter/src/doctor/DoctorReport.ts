/** How a check went: `ok` (✓), `warn` (!: works, but fix it or look), `fail` (✗: logins or setup break). */
export type DoctorStatus = 'ok' | 'warn' | 'fail'

/** One finding of the doctor. */
export interface DoctorCheck {
  /** The instance name the check is about, or `null` for the deployment (stores, session, origin). */
  instance: string | null
  /** Stable id of the check, e.g. `credentials`, `permission:qyapi_get_member`, `redirect-uri`. */
  id: string
  status: DoctorStatus
  /** What DingTalk or the deployment said, in one line. Never a secret or a token. */
  message: string
  /** What to change, when something is wrong. */
  fix?: string
}

/** What `auth.doctor()` and `dingtalk-login-server doctor --json` answer. */
export interface DoctorReport {
  /** False when any check failed. */
  ok: boolean
  checks: DoctorCheck[]
}

/** Builds a report from checks: `ok` is false when one of them failed. */
export function toDoctorReport(checks: DoctorCheck[]): DoctorReport {
  return { ok: checks.every((check) => check.status !== 'fail'), checks }
}
