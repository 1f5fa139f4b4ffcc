import type { DoctorReport } from './DoctorReport'

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const

/** The human form: one line per check (✓ / ! / ✗), with the fix to apply after a finding, and a closing count. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = []
  for (const check of report.checks) {
    const where = check.instance === null ? '' : `[${check.instance}] `
    const fix = check.fix && check.status !== 'ok' ? ` → fix: ${check.fix}` : ''
    lines.push(`${MARK[check.status]} ${where}${check.id}: ${check.message}${fix}`)
  }
  const count = (status: keyof typeof MARK) => report.checks.filter((check) => check.status === status).length
  lines.push(`${count('ok')} ok, ${count('warn')} warnings, ${count('fail')} failed`)
  return lines.join('\n')
}
