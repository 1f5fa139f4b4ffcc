import type { DDInnerAuthModel } from '../store/BindingStore'
import type { DirectoryDepartment, DirectoryPerson, MembershipState } from '../store/DirectoryStore'
import type { CrawlProgress } from './crawlDirectory'
import type { DirectoryCallbackReceiver } from './createCallbackReceiver'
import type { DirectorySyncReport } from './DirectorySyncReport'

/** Options of {@link DingTalkDirectory.sync}. */
export interface DirectorySyncOptions {
  /** Only this corp. @default every instance's corp */
  corpId?: string
  /** Crawl and report, write nothing, revoke nothing, call no hook. @default false */
  dryRun?: boolean
  /** Progress of the crawl (departments and people done so far), e.g. for a progress bar. */
  onProgress?: (progress: CrawlProgress & { instance: string }) => void
  signal?: AbortSignal
}

/** A person with their binding (when they ever logged in). */
export interface DirectoryPersonRecord {
  /** The directory's record; `null` for someone bound but not synced yet. */
  person: DirectoryPerson | null
  binding: DDInnerAuthModel | null
}

/** `auth.directory`: the organisation as the server knows it, kept current by crawls and events. */
export interface DingTalkDirectory extends DirectoryCallbackReceiver {
  /** One full crawl of every corp (or one), applied unless `dryRun`. Never marks anyone left after an incomplete crawl. */
  sync(options?: DirectorySyncOptions): Promise<DirectorySyncReport>
  /** A person by corp + unionId or corp + userid (with their binding), or `null`. */
  findPerson(
    key: { corpId: string; unionId: string } | { corpId: string; dingUserId: string },
  ): Promise<DirectoryPersonRecord | null>
  /** The corp's departments as last synced (the tree: follow `parentId`; the root has `null`). */
  departments(corpId: string): Promise<DirectoryDepartment[]>
  /** The corp's people as last synced, optionally only active or only left ones. */
  people(corpId: string, filter?: { state?: MembershipState }): Promise<DirectoryPerson[]>
  /**
   * Starts events and the schedule: in one process per app (a lease in the state store) the Stream connection,
   * full crawls every `fullSyncEvery` and leave-record reads every `leaveRecordsEvery`.
   */
  start(): Promise<void>
  /** Stops events and the schedule, and gives the lease up. */
  stop(): Promise<void>
  /** Per instance: whether this process leads it and whether its Stream connection is open. */
  status(): { instance: string; leader: boolean; streamConnected: boolean }[]
}
