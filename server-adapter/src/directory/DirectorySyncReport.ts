import type { CrawlFailure } from './crawlDirectory'
import type { CorpSyncReport } from './syncCorp'

/** What `auth.directory.sync()` did (with `dryRun`, would do), over every corp it synced. */
export interface DirectorySyncReport {
  departments: CorpSyncReport['departments']
  people: CorpSyncReport['people']
  /** DingTalk calls of the crawls (each HTTP request, retries included). */
  apiCalls: number
  durationMs: number
  /** True when every crawl was complete. An incomplete crawl marks nobody left. */
  complete: boolean
  /** Why it is incomplete: each part that could not be read, with its corp. */
  failures: (CrawlFailure & { corpId: string })[]
  dryRun: boolean
  /** The report of each corp. */
  corps: CorpSyncReport[]
}

/** Sums the corps' reports. */
export function combineReports(
  corps: CorpSyncReport[],
  durationMs: number,
  dryRun: boolean,
): DirectorySyncReport {
  const report: DirectorySyncReport = {
    departments: { total: 0, added: 0, changed: 0, removed: 0 },
    people: { added: 0, changed: 0, left: 0, rehired: 0, unchanged: 0 },
    apiCalls: 0,
    durationMs,
    complete: true,
    failures: [],
    dryRun,
    corps,
  }
  for (const corp of corps) {
    for (const key of ['total', 'added', 'changed', 'removed'] as const)
      report.departments[key] += corp.departments[key]
    for (const key of ['added', 'changed', 'left', 'rehired', 'unchanged'] as const)
      report.people[key] += corp.people[key]
    report.apiCalls += corp.apiCalls
    report.complete &&= corp.complete
    report.failures.push(...corp.failures.map((failure) => ({ ...failure, corpId: corp.corpId })))
  }
  return report
}
