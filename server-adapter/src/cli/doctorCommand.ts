import { createDingTalkAuth } from '../createDingTalkAuth'
import { DingTalkConfigError } from '../config/loadInstances'
import { formatDoctorReport, toDoctorReport } from '../doctor/index'
import { checkSessionSecret } from '../doctor/localChecks'
import type { DoctorCheck, DoctorReport } from '../doctor/index'
import { isDingTalkAuthError } from '../errors'
import { silentLogger } from '../logger'
import { COMMON_USAGE, UsageError, parseCommonOptions, toAuthOptions } from './commonOptions'
import type { CliIo } from './CliIo'

export const DOCTOR_USAGE = `Usage: dingtalk-login-server doctor [options]

Asks DingTalk and this deployment what is wrong, one line per check (✓ ok, ! warning, ✗ failed).
Exit code 1 when a check failed.

Options:
  --directory <events>    also check what directory sync needs: its permissions (departments, people, leave
                          records) and, with 'stream', a Stream-mode ticket; <events> is none or stream
                          (HTTP callback keys live in your code: auth.doctor() checks them)
${COMMON_USAGE}

The session secret is read from the environment variable SESSION_SECRET.`

const DIRECTORY_EVENTS = ['none', 'stream'] as const
type DirectoryEvents = (typeof DIRECTORY_EVENTS)[number]

/** Takes `--directory <events>` out of the arguments; the rest are the shared flags. */
function splitDirectoryFlag(args: readonly string[]): {
  directory: DirectoryEvents | undefined
  rest: string[]
} {
  const rest: string[] = []
  let directory: DirectoryEvents | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg !== '--directory' && !arg.startsWith('--directory=')) {
      rest.push(arg)
      continue
    }
    const value = arg === '--directory' ? args[++i] : arg.slice('--directory='.length)
    if (!DIRECTORY_EVENTS.includes(value as DirectoryEvents))
      throw new UsageError(`--directory: expected none or stream, found ${JSON.stringify(value ?? '')}`)
    directory = value as DirectoryEvents
  }
  return { directory, rest }
}

/** A configuration that cannot be loaded is itself the finding: one failed check per problem. */
function configReport(error: unknown): DoctorReport {
  if (error instanceof DingTalkConfigError) {
    return toDoctorReport(
      error.issues.map((issue): DoctorCheck => ({
        instance: null,
        id: 'config',
        status: 'fail',
        message: `${issue.file}: ${issue.field}: expected ${issue.expected}, found ${issue.found}`,
        ...(issue.fix ? { fix: issue.fix } : {}),
      })),
    )
  }
  const message = isDingTalkAuthError(error)
    ? error.message
    : error instanceof Error
      ? error.message
      : String(error)
  return toDoctorReport([{ instance: null, id: 'config', status: 'fail', message: message.split('\n')[0]! }])
}

/** `dingtalk-login-server doctor`: prints the report and answers the exit code. */
export async function doctorCommand(args: readonly string[], io: CliIo): Promise<number> {
  const own = splitDirectoryFlag(args)
  const options = parseCommonOptions(own.rest, io.env)
  if (options.help) {
    io.stdout(DOCTOR_USAGE)
    return 0
  }
  const secret = io.env.SESSION_SECRET
  let report: DoctorReport
  try {
    const auth = await createDingTalkAuth({
      ...toAuthOptions(options),
      logger: silentLogger,
      env: io.env,
      // The secret's strength is a check of its own: a weak one must not stop the other checks.
      ...(secret ? { onLogin: () => undefined } : {}),
      ...(options.publicOrigin ? { http: { publicOrigin: options.publicOrigin } } : {}),
      ...(own.directory ? { directory: { events: own.directory } } : {}),
    })
    try {
      const doctor = await auth.doctor()
      report = toDoctorReport(
        doctor.checks.map((check) => (check.id === 'session-secret' ? sessionSecretCheck(secret) : check)),
      )
    } finally {
      await auth.close()
    }
  } catch (error) {
    report = configReport(error)
  }
  io.stdout(options.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report))
  return report.ok ? 0 : 1
}

/** The command line sees only the environment: without SESSION_SECRET it cannot tell whether the app uses onLogin. */
function sessionSecretCheck(secret: string | undefined): DoctorCheck {
  if (secret) return checkSessionSecret({ secret }, false)
  return {
    instance: null,
    id: 'session-secret',
    status: 'warn',
    message: 'SESSION_SECRET is not set in this environment, so its strength was not checked',
    fix: 'Run the doctor with the server’s environment (SESSION_SECRET=… npx dingtalk-login-server doctor), or ignore this if the app uses onLogin',
  }
}
