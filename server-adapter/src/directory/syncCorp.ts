import type { Logger } from '../logger'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { BindingStore } from '../store/BindingStore'
import type { DirectoryDepartment, DirectoryPerson, DirectoryStore } from '../store/DirectoryStore'
import { crawlDirectory } from './crawlDirectory'
import type { CrawlFailure, CrawlProgress } from './crawlDirectory'
import type { PeopleLifecycle } from './createPeopleLifecycle'
import type { ResolvedDirectorySettings } from './DirectoryOptions'
import { personChanged, toDirectoryPerson } from './directoryPerson'
import { followNewUserIds } from './followNewUserIds'
import type { SessionRevoker } from './SessionRevoker'

/** What a full sync of one corp found and did (with `dryRun`, what it would do). */
export interface CorpSyncReport {
  instance: string
  corpId: string
  departments: { total: number; added: number; changed: number; removed: number }
  people: { added: number; changed: number; left: number; rehired: number; unchanged: number }
  /** DingTalk calls of the crawl (each HTTP request, retries included). */
  apiCalls: number
  durationMs: number
  /** True when every department and page was read; only then are missing people marked left. */
  complete: boolean
  /** Why the crawl is incomplete (empty when complete). */
  failures: CrawlFailure[]
  dryRun: boolean
}

/** The corp a sync works on, and what it writes with. */
export interface SyncCorpContext {
  instance: DDInnerAuth
  settings: ResolvedDirectorySettings
  store: BindingStore & DirectoryStore
  lifecycle: PeopleLifecycle
  logger: Logger
  now: () => number
  /** Ends the sessions of a binding whose userid DingTalk handed to someone else; `null` for the app's own sessions. */
  revoker: () => SessionRevoker | null
}

/** Options of {@link syncCorp}. */
export interface SyncCorpOptions {
  dryRun: boolean
  concurrency: number
  onProgress?: (progress: CrawlProgress & { instance: string }) => void
  signal?: AbortSignal
}

const sameDepartment = (a: DirectoryDepartment, b: DirectoryDepartment) =>
  a.name === b.name && a.parentId === b.parentId

/**
 * One full sync of one corp: crawl, then upsert departments and people, mark rehires active, and — only when the
 * crawl was complete — remove vanished departments and mark every stored or bound person it did not find as left
 * (revoking their sessions), unless they were seen in the corp since it started (a login or an event while it ran).
 * An incomplete crawl disables nobody.
 */
export async function syncCorp(ctx: SyncCorpContext, options: SyncCorpOptions): Promise<CorpSyncReport> {
  const { instance, settings, store, lifecycle, now } = ctx
  const started = now()
  const corpId = instance.corpId
  const crawl = await crawlDirectory(instance.getClient().directory, {
    concurrency: options.concurrency,
    ...(options.onProgress
      ? { onProgress: (progress) => options.onProgress?.({ ...progress, instance: instance.name }) }
      : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  // Records are stamped with the crawl's start, not its end: a leave that happens while a long crawl runs is
  // newer than what the crawl read, so neither the crawl overwrites it nor does the leave event look stale.
  const at = started

  const storedDepartments = new Map((await store.listDepartments(corpId)).map((d) => [d.deptId, d]))
  const departmentWrites: DirectoryDepartment[] = []
  const departments = { total: crawl.departments.length, added: 0, changed: 0, removed: 0 }
  for (const seen of crawl.departments) {
    const department: DirectoryDepartment = { corpId, ...seen, updateTime: at }
    const before = storedDepartments.get(seen.deptId)
    if (!before) departments.added++
    else if (!sameDepartment(before, department)) departments.changed++
    else continue
    departmentWrites.push(department)
  }
  const seenDeptIds = new Set(crawl.departments.map((d) => d.deptId))
  const removedDeptIds = crawl.complete
    ? [...storedDepartments.keys()].filter((id) => !seenDeptIds.has(id))
    : []
  departments.removed = removedDeptIds.length

  const storedPeople = new Map((await store.listPeople(corpId)).map((p) => [p.unionId, p]))
  const people = { added: 0, changed: 0, left: 0, rehired: 0, unchanged: 0 }
  const writes: DirectoryPerson[] = []
  const changes: { change: 'joined' | 'changed'; person: DirectoryPerson }[] = []
  for (const seen of crawl.people.values()) {
    const before = storedPeople.get(seen.unionId) ?? null
    // Left after the crawl started: what the crawl read of them is older than the leave.
    if (before?.state === 'left' && before.leftAt !== null && before.leftAt >= started) continue
    const person = toDirectoryPerson(corpId, seen, before, at)
    if (!before) people.added++
    else if (before.state === 'left') people.rehired++
    else if (personChanged(before, person)) people.changed++
    else {
      people.unchanged++
      continue
    }
    writes.push(person)
    changes.push({ change: before && before.state === 'active' ? 'changed' : 'joined', person })
  }

  const bindings = await store.listBoundPeople(corpId)
  // Candidates only: read after the crawl, these include people who joined or came back while it ran.
  const leavers: { unionId: string }[] = []
  if (crawl.complete) {
    for (const before of storedPeople.values())
      if (before.state === 'active' && !crawl.people.has(before.unionId))
        leavers.push({ unionId: before.unionId })
    for (const bound of bindings)
      if (!storedPeople.has(bound.unionId) && !crawl.people.has(bound.unionId))
        leavers.push({ unionId: bound.unionId })
  }

  // Only the leaves the lifecycle records count: it skips a candidate seen in the corp since the crawl started.
  const scope = { instance: instance.name, corpId, settings, source: 'crawl' as const }
  if (options.dryRun) {
    for (const leaver of leavers) if (await lifecycle.wouldLeave(scope, leaver, at)) people.left++
  } else {
    await store.upsertDepartments(departmentWrites)
    await store.removeDepartments(corpId, removedDeptIds)
    await store.upsertPeople(writes)
    const seen = [...crawl.people.values()].map((p) => ({ unionId: p.unionId, dingUserId: p.userid }))
    await followNewUserIds(ctx, corpId, seen, bindings)
    for (const leaver of leavers) if (await lifecycle.leave(scope, leaver, at)) people.left++
    if (lifecycle.hasHooks)
      for (const { change, person } of changes) await lifecycle.notify(scope, change, person)
  }

  return {
    instance: instance.name,
    corpId,
    departments,
    people,
    apiCalls: crawl.apiCalls,
    durationMs: now() - started,
    complete: crawl.complete,
    failures: crawl.failures,
    dryRun: options.dryRun,
  }
}
