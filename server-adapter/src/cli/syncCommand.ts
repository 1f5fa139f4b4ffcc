import { createDingTalkAuth } from '../createDingTalkAuth'
import type { CrawlProgress } from '../directory/crawlDirectory'
import type { DirectorySyncReport } from '../directory/DirectorySyncReport'
import { silentLogger } from '../logger'
import type { CliIo } from './CliIo'
import { COMMON_USAGE, UsageError, parseCommonOptions, toAuthOptions } from './commonOptions'
import type { CommonOptions } from './commonOptions'
import { StoreUnavailableError, openStores } from './openStores'
import type { CliStores } from './openStores'

export const SYNC_USAGE = `Usage: dingtalk-login-server sync [options]

Crawls the organisation of every instance (or one corp) once and applies it to the store: departments, people,
leavers (only after a complete crawl: their sessions end) and rehires. A progress bar shows on a terminal.
Exit code 1 when a crawl was incomplete (the report says why; nobody was marked left), or when the binding store
or the state store does not answer (checked first: nothing is crawled).

Options:
  --corp <corpId>         only this corp
  --dry-run               crawl and report what would change; write nothing, revoke nothing
${COMMON_USAGE.replace('print { ok, checks } as JSON', 'print the report as JSON')}`

/** Takes `--corp <id>` and `--dry-run` out of the arguments; the rest are the shared flags. */
function splitOwnFlags(args: readonly string[]): {
  corpId: string | undefined
  dryRun: boolean
  rest: string[]
} {
  const rest: string[] = []
  let corpId: string | undefined
  let dryRun = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--dry-run') dryRun = true
    else if (arg === '--corp' || arg.startsWith('--corp=')) {
      const value = arg === '--corp' ? args[++i] : arg.slice('--corp='.length)
      if (!value || value.startsWith('--')) throw new UsageError('--corp needs a corpId')
      corpId = value
    } else rest.push(arg)
  }
  return { corpId, dryRun, rest }
}

const BAR_WIDTH = 24

/** `[██████░░░░] 12/40 departments · 1,234 people`: known departments grow while the tree is walked. */
export function formatProgress(progress: CrawlProgress & { instance: string }): string {
  const total = Math.max(progress.departmentsKnown, 1)
  const filled = Math.round((progress.departmentsDone / total) * BAR_WIDTH)
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`
  return `${progress.instance} [${bar}] ${progress.departmentsDone}/${progress.departmentsKnown} departments · ${progress.people.toLocaleString('en')} people · ${progress.apiCalls} calls`
}

/** The report as lines a person reads. */
export function formatSyncReport(report: DirectorySyncReport): string {
  const lines: string[] = []
  for (const corp of report.corps) {
    const d = corp.departments
    const p = corp.people
    lines.push(
      `${corp.complete ? '✓' : '✗'} ${corp.instance} (${corp.corpId})${corp.dryRun ? ' — dry run, nothing written' : ''}`,
      `  departments: ${d.total} (added ${d.added}, changed ${d.changed}, removed ${d.removed})`,
      `  people: added ${p.added}, changed ${p.changed}, left ${p.left}, rehired ${p.rehired}, unchanged ${p.unchanged}`,
      `  ${corp.apiCalls} DingTalk calls in ${(corp.durationMs / 1000).toFixed(1)} s`,
    )
    if (!corp.complete) {
      lines.push('  incomplete, so nobody was marked left:')
      for (const failure of corp.failures.slice(0, 10))
        lines.push(
          `    department ${failure.deptId}: ${failure.reason} (${failure.endpoint}: ${failure.detail})`,
        )
      if (corp.failures.length > 10) lines.push(`    … and ${corp.failures.length - 10} more`)
    }
  }
  return lines.join('\n')
}

/** `dingtalk-login-server sync`: one full crawl, the report at the end; exit 1 when incomplete. */
export async function syncCommand(args: readonly string[], io: CliIo): Promise<number> {
  const own = splitOwnFlags(args)
  const options = parseCommonOptions(own.rest, io.env)
  if (options.help) {
    io.stdout(SYNC_USAGE)
    return 0
  }
  if (!own.dryRun && options.stateStore === undefined)
    throw new UsageError(
      '--state-store: a sync ends the sessions of the people it finds gone, in the state store your servers ' +
        'share; pass that store (redis://… or its SQL URL), set REDIS_URL, or use --dry-run',
    )
  let stores: CliStores
  try {
    stores = await openStores(options)
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error
    io.stderr(`dingtalk-login-server sync: ${error.message}`)
    return 1
  }
  let report: DirectorySyncReport
  try {
    report = await crawlOnce(own, options, stores, io)
  } finally {
    await stores.close()
  }
  io.stdout(options.json ? JSON.stringify(report, null, 2) : formatSyncReport(report))
  return report.complete ? 0 : 1
}

/** The sync itself, over stores that answered. */
async function crawlOnce(
  own: { corpId: string | undefined; dryRun: boolean },
  options: CommonOptions,
  stores: CliStores,
  io: CliIo,
): Promise<DirectorySyncReport> {
  const auth = await createDingTalkAuth({
    ...toAuthOptions(options),
    store: stores.store,
    ...(stores.stateStore ? { stateStore: stores.stateStore } : {}),
    logger: silentLogger,
    env: io.env,
  })
  try {
    const progress = options.json ? undefined : io.progress
    const report = await auth.directory.sync({
      ...(own.corpId ? { corpId: own.corpId } : {}),
      dryRun: own.dryRun,
      ...(progress ? { onProgress: (state) => progress(formatProgress(state)) } : {}),
    })
    if (progress) progress('')
    return report
  } catch (error) {
    if (error instanceof TypeError && /no instance serves corp/.test(error.message))
      throw new UsageError(`--corp: ${error.message.replace('directory.sync: ', '')}`)
    throw error
  } finally {
    await auth.close()
  }
}
