import { DingTalkApiError } from '../dingtalk/DingTalkApiError'
import { DingTalkFetchError } from '../dingtalk/DingTalkFetchError'
import { isIpBannedError, isQuotaExhaustedError, isThrottledError } from '../dingtalk/errorPredicates'
import { UnexpectedResponseError } from '../dingtalk/UnexpectedResponseError'
import type { DingTalkDirectoryClient } from '../dingtalk/DingTalkDirectoryClient'
import type { DingTalkDepartment, DingTalkDepartmentUser } from '../dingtalk/directoryApi'
import { describeError } from '../describeError'

/** A person as the crawl found them, merged over every department that lists them. */
export interface CrawledPerson {
  userid: string
  unionId: string
  name: string | null
  title: string | null
  jobNumber: string | null
  avatar: string | null
  deptIds: number[]
  leaderInDeptIds: number[]
  admin: boolean
}

/** Why a crawl is not complete. */
export interface CrawlFailure {
  /** The department whose part was not read. */
  deptId: number
  /**
   * `quota`: DingTalk's monthly API quota is used up; `ip_banned`: DingTalk's gateway banned this server's IP for
   * a while; `throttled`: still throttled after retries; `permission`: the app lacks a permission; `error`:
   * anything else.
   */
  reason: 'quota' | 'ip_banned' | 'throttled' | 'permission' | 'error'
  /** `METHOD /path` of the failed call. */
  endpoint: string
  /**
   * What DingTalk answered (its error code), or else what failed: the error's class and first line (e.g. the state
   * store the app token is cached in). Never a token or a password.
   */
  detail: string
}

/** Progress of a crawl, for progress bars. */
export interface CrawlProgress {
  departmentsDone: number
  /** Departments known so far (grows while the tree is walked). */
  departmentsKnown: number
  people: number
  apiCalls: number
}

/** What a full crawl read. */
export interface CrawlResult {
  departments: DingTalkDepartment[]
  people: Map<string, CrawledPerson>
  /** DingTalk calls made (each HTTP request, retries included; app-token fetches not counted). */
  apiCalls: number
  /** True when every department and every page was read. */
  complete: boolean
  failures: CrawlFailure[]
}

/** Options of {@link crawlDirectory}. */
export interface CrawlOptions {
  /** Calls in flight at once. @default 4 */
  concurrency?: number
  onProgress?: (progress: CrawlProgress) => void
  signal?: AbortSignal
}

const PAGE_SIZE = 100

// After either no call succeeds for a long time (the quota until next month, an IP ban for minutes): the crawl
// stops at once instead of failing department by department.
const STOPS_THE_CRAWL: ReadonlySet<CrawlFailure['reason']> = new Set(['quota', 'ip_banned'])

function reasonOf(error: unknown): CrawlFailure['reason'] {
  if (isQuotaExhaustedError(error)) return 'quota'
  if (isIpBannedError(error)) return 'ip_banned'
  if (isThrottledError(error)) return 'throttled'
  if (error instanceof DingTalkApiError && error.errcode === 60011) return 'permission'
  return 'error'
}

function toFailure(deptId: number, endpoint: string, error: unknown): CrawlFailure {
  const reason = reasonOf(error)
  const detail =
    error instanceof DingTalkApiError
      ? `DingTalk answered ${error.code}${error.requiredScopes?.length ? ` (missing ${error.requiredScopes.join(', ')})` : ''}`
      : error instanceof DingTalkFetchError
        ? error.timedOut
          ? 'timed out'
          : 'DingTalk could not be reached'
        : error instanceof UnexpectedResponseError
          ? `unexpected answer (HTTP ${error.status})`
          : describeError(error)
  return { deptId, reason, endpoint, detail }
}

function mergePerson(people: Map<string, CrawledPerson>, row: DingTalkDepartmentUser, deptId: number): void {
  const known = people.get(row.unionid)
  if (known) {
    if (row.leader && !known.leaderInDeptIds.includes(deptId)) known.leaderInDeptIds.push(deptId)
    if (!known.deptIds.includes(deptId)) known.deptIds.push(deptId)
    return
  }
  people.set(row.unionid, {
    userid: row.userid,
    unionId: row.unionid,
    name: row.name ?? null,
    title: row.title ?? null,
    jobNumber: row.jobNumber ?? null,
    avatar: row.avatar ?? null,
    deptIds: row.deptIdList.length > 0 ? [...row.deptIdList] : [deptId],
    leaderInDeptIds: row.leader ? [deptId] : [],
    admin: row.admin,
  })
}

/**
 * Reads a corp's whole directory at the floor of calls: the root with `department/get`, then per department one
 * `listsub` (its children, with their names) and `⌈people / 100⌉` pages of `v2/user/list`; never a per-person
 * call. Failed parts are listed in `failures` and make the result incomplete; a used-up quota or an IP ban stops
 * the crawl.
 */
export async function crawlDirectory(
  client: DingTalkDirectoryClient,
  options: CrawlOptions = {},
): Promise<CrawlResult> {
  const concurrency = Math.max(1, options.concurrency ?? 4)
  const departments: DingTalkDepartment[] = []
  const people = new Map<string, CrawledPerson>()
  const failures: CrawlFailure[] = []
  let apiCalls = 0
  let departmentsDone = 0
  let stopped = false
  const call = {
    onRequest: () => {
      apiCalls++
    },
    ...(options.signal ? { signal: options.signal } : {}),
  }
  const progress = () =>
    options.onProgress?.({
      departmentsDone,
      departmentsKnown: departments.length,
      people: people.size,
      apiCalls,
    })

  // A task is one DingTalk call; the department is done when its listsub and its last page are in.
  type Task = () => Promise<void>
  const queue: Task[] = []
  const pending = new Map<number, number>()
  const settle = (deptId: number) => {
    const left = (pending.get(deptId) ?? 0) - 1
    pending.set(deptId, left)
    if (left === 0) {
      departmentsDone++
      progress()
    }
  }
  const fail = (deptId: number, endpoint: string, error: unknown) => {
    if (options.signal?.aborted) throw error
    const failure = toFailure(deptId, endpoint, error)
    failures.push(failure)
    if (STOPS_THE_CRAWL.has(failure.reason)) stopped = true
  }
  const usersTask =
    (deptId: number, cursor: number): Task =>
    async () => {
      try {
        const page = await client.listDepartmentUsers(deptId, { cursor, size: PAGE_SIZE }, call)
        for (const row of page.list) mergePerson(people, row, deptId)
        if (page.hasMore && page.nextCursor !== undefined && page.nextCursor > cursor) {
          pending.set(deptId, (pending.get(deptId) ?? 0) + 1)
          queue.push(usersTask(deptId, page.nextCursor))
        }
      } catch (error) {
        fail(deptId, 'POST /topapi/v2/user/list', error)
      }
      settle(deptId)
    }
  const visit = (department: DingTalkDepartment) => {
    departments.push(department)
    pending.set(department.deptId, 2)
    queue.push(childrenTask(department.deptId), usersTask(department.deptId, 0))
  }
  const childrenTask =
    (deptId: number): Task =>
    async () => {
      try {
        for (const child of await client.listSubDepartments(deptId, call)) {
          // A tree, but never trust that: a department seen twice would make the crawl loop.
          if (!pending.has(child.deptId)) visit({ ...child, parentId: child.parentId ?? deptId })
        }
      } catch (error) {
        fail(deptId, 'POST /topapi/v2/department/listsub', error)
      }
      settle(deptId)
    }

  try {
    visit(await client.getDepartment(1, call))
  } catch (error) {
    fail(1, 'POST /topapi/v2/department/get', error)
  }
  progress()
  const worker = async () => {
    for (let task = queue.shift(); task && !stopped; task = queue.shift()) await task()
  }
  // Workers end when the queue is empty at the moment they look; tasks still running may add more, so loop.
  while (queue.length > 0 && !stopped) await Promise.all(Array.from({ length: concurrency }, worker))
  if (stopped && queue.length > 0) progress()
  return { departments, people, apiCalls, complete: failures.length === 0 && !stopped, failures }
}
