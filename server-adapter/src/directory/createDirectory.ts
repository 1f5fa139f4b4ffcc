import { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { StateStore } from '../state/StateStore'
import type { BindingStore, DDInnerAuthModel } from '../store/BindingStore'
import type {
  DirectoryDepartment,
  DirectoryPerson,
  DirectoryStore,
  MembershipState,
} from '../store/DirectoryStore'
import { applyDirectoryEvent } from './applyDirectoryEvent'
import type { DirectoryEvent, EventOutcome } from './applyDirectoryEvent'
import type { CrawlProgress } from './crawlDirectory'
import { createCallbackReceiver } from './createCallbackReceiver'
import type { DirectoryCallbackReceiver } from './createCallbackReceiver'
import { createLeaderLock } from './createLeaderLock'
import type { LeaderLock } from './createLeaderLock'
import { createPeopleLifecycle } from './createPeopleLifecycle'
import { createStreamClient } from './createStreamClient'
import type { StreamClient, StreamEventFrame } from './createStreamClient'
import { resolveDirectorySettings } from './DirectoryOptions'
import type { DirectoryOptions, ResolvedDirectorySettings } from './DirectoryOptions'
import { resolveDirectoryTiming } from './DirectoryTiming'
import { combineReports } from './DirectorySyncReport'
import type { DirectorySyncReport } from './DirectorySyncReport'
import { pollLeaveRecords } from './pollLeaveRecords'
import type { SessionRevoker } from './SessionRevoker'
import { syncCorp } from './syncCorp'
import type { CorpSyncReport } from './syncCorp'

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

/** What {@link createDirectory} works with. */
export interface CreateDirectoryOptions {
  instances: readonly DDInnerAuth[]
  store: BindingStore & DirectoryStore
  stateStore: StateStore
  /** Ends a leaver's sessions; `null` when the app keeps its own sessions. Can be set later. */
  revoker: () => SessionRevoker | null
  logger: Logger
  now: () => number
  apiBase: string
  fetch?: typeof fetch
  options: DirectoryOptions
}

interface Runner {
  instance: DDInnerAuth
  settings: ResolvedDirectorySettings
  lock: LeaderLock
  stream: StreamClient | null
  busy: Promise<unknown> | null
}

const toFrameEvent = (corpId: string, frame: StreamEventFrame, now: () => number): DirectoryEvent => {
  const ids = (value: unknown) => (Array.isArray(value) ? value : value === undefined ? [] : [value])
  return {
    eventId: frame.headers.eventId ?? frame.headers.messageId ?? '',
    eventType: frame.headers.eventType ?? '',
    corpId: frame.headers.eventCorpId ?? corpId,
    bornTime: Number(frame.headers.eventBornTime ?? frame.data.timeStamp ?? now()),
    userIds: ids(frame.data.userId).map(String),
    deptIds: ids(frame.data.deptId)
      .map(Number)
      .filter((id) => Number.isSafeInteger(id)),
  }
}

/** Builds `auth.directory`. Throws `config_error` for bad settings. */
export function createDirectory(config: CreateDirectoryOptions): DingTalkDirectory {
  const { instances, store, stateStore, logger, now, options } = config
  const timing = resolveDirectoryTiming(options.leader, options.stream)
  const concurrency = options.concurrency ?? 4
  const lifecycle = createPeopleLifecycle({
    store,
    revoker: config.revoker,
    hooks: options,
    logger,
    now,
  })
  const runners: Runner[] = instances.map((instance) => ({
    instance,
    settings: resolveDirectorySettings(options, instance.name),
    lock: createLeaderLock({
      stateStore,
      key: `directory:leader:${instance.authConfig.appKey}`,
      ttlMs: timing.leaseMs,
      now,
    }),
    stream: null,
    busy: null,
  }))
  const scopeOf = (runner: Runner) => ({
    instance: runner.instance.name,
    corpId: runner.instance.corpId,
    settings: runner.settings,
  })
  const eventContext = { store, stateStore, lifecycle, logger, now }
  const apply = (runner: Runner, event: DirectoryEvent): Promise<EventOutcome> =>
    applyDirectoryEvent(eventContext, runner.instance, scopeOf(runner), event)
  const callbackRunners = runners.filter((runner) => runner.settings.events === 'callback')
  const callbacks = createCallbackReceiver({
    receivers: callbackRunners,
    apply: (receiver, event) => apply(receiver as Runner, event),
    logger,
    now,
  })
  let timer: NodeJS.Timeout | undefined
  let ticking: Promise<void> | null = null

  async function syncOne(runner: Runner, sync: DirectorySyncOptions): Promise<CorpSyncReport> {
    const corp = { instance: runner.instance, settings: runner.settings, store, lifecycle, logger, now }
    const report = await syncCorp(corp, {
      dryRun: sync.dryRun === true,
      concurrency,
      ...(sync.onProgress ? { onProgress: sync.onProgress } : {}),
      ...(sync.signal ? { signal: sync.signal } : {}),
    })
    logger[report.complete ? 'info' : 'warn'](
      {
        instance: report.instance,
        corpId: report.corpId,
        departments: report.departments,
        people: report.people,
        apiCalls: report.apiCalls,
        durationMs: report.durationMs,
        complete: report.complete,
        failures: report.failures.slice(0, 5),
        dryRun: report.dryRun,
      },
      report.complete ? 'directory: sync done' : 'directory: sync incomplete; nobody was marked left',
    )
    if (!report.dryRun && report.complete)
      await stateStore.set(
        `directory:last-full-sync:${runner.instance.corpId}`,
        String(now()),
        400 * 86_400_000,
      )
    return report
  }

  function background(runner: Runner, label: string, work: () => Promise<unknown>): void {
    if (runner.busy) return
    runner.busy = work()
      .catch((error: unknown) =>
        logger.error({ instance: runner.instance.name, err: error }, `directory: ${label} failed`),
      )
      .finally(() => {
        runner.busy = null
      })
  }

  async function due(key: string, everyMs: number | false): Promise<boolean> {
    if (everyMs === false) return false
    const last = Number((await stateStore.get(key)) ?? NaN)
    return !Number.isFinite(last) || now() - last >= everyMs
  }

  async function tickRunner(runner: Runner): Promise<void> {
    const { settings, instance } = runner
    const leader = await runner.lock.acquire().catch((error: unknown) => {
      logger.warn(
        { instance: instance.name, err: error },
        'directory: the leader lease could not be taken or renewed; a leader leads on until its lease runs out',
      )
      return runner.lock.held
    })
    if (!leader) {
      if (runner.stream) {
        await runner.stream.stop()
        runner.stream = null
      }
      return
    }
    if (settings.events === 'stream' && !runner.stream) {
      let wasConnected = false
      runner.stream = createStreamClient({
        apiBase: config.apiBase,
        clientId: instance.authConfig.appKey,
        clientSecret: instance.authConfig.appSecret,
        logger,
        heartbeatMs: timing.heartbeatMs,
        reconnectBaseMs: timing.reconnectMinMs,
        reconnectMaxMs: timing.reconnectMaxMs,
        ...(config.fetch ? { fetch: config.fetch } : {}),
        onEvent: async (frame) =>
          (await apply(runner, toFrameEvent(instance.corpId, frame, now))) === 'busy' ? 'LATER' : 'SUCCESS',
        onStateChange: (connected) => {
          // Back after a gap: leaves that happened meanwhile may have no event left to deliver.
          if (connected && wasConnected && settings.leaveRecordsEveryMs !== false)
            background(runner, 'reading leave records', () =>
              pollLeaveRecords(
                instance,
                { ...scopeOf(runner), source: 'leave-records' },
                lifecycle,
                stateStore,
                now,
              ),
            )
          wasConnected ||= connected
        },
      })
      runner.stream
        .start()
        .catch((error: unknown) =>
          logger.warn({ instance: instance.name, err: error }, 'Stream mode: could not connect; retrying'),
        )
    }
    if (await due(`directory:last-full-sync:${instance.corpId}`, settings.fullSyncEveryMs)) {
      background(runner, 'scheduled sync', () => syncOne(runner, {}))
    } else if (await due(`directory:last-leave-records:${instance.corpId}`, settings.leaveRecordsEveryMs)) {
      background(runner, 'reading leave records', async () => {
        await pollLeaveRecords(
          instance,
          { ...scopeOf(runner), source: 'leave-records' },
          lifecycle,
          stateStore,
          now,
        )
        await stateStore.set(
          `directory:last-leave-records:${instance.corpId}`,
          String(now()),
          400 * 86_400_000,
        )
      })
    }
  }

  function tick(): Promise<void> {
    ticking ??= Promise.all(
      runners.map((runner) =>
        tickRunner(runner).catch((error: unknown) =>
          logger.warn({ instance: runner.instance.name, err: error }, 'directory: leader check failed'),
        ),
      ),
    ).then(() => {
      ticking = null
    })
    return ticking
  }

  return {
    receivesCallbacks: callbacks.receivesCallbacks,
    receiveCallback: (callback) => callbacks.receiveCallback(callback),
    async sync(sync = {}) {
      const started = now()
      const chosen =
        sync.corpId === undefined ? runners : runners.filter((r) => r.instance.corpId === sync.corpId)
      if (sync.corpId !== undefined && chosen.length === 0)
        throw new TypeError(`directory.sync: no instance serves corp ${sync.corpId}`)
      const reports: CorpSyncReport[] = []
      for (const runner of chosen) reports.push(await syncOne(runner, sync))
      return combineReports(reports, now() - started, sync.dryRun === true)
    },
    async findPerson(key) {
      const person = await store.findPerson(key)
      const binding =
        'unionId' in key || person
          ? await store.findBinding({
              corpId: key.corpId,
              unionId: person?.unionId ?? (key as { unionId: string }).unionId,
            })
          : await store.findBinding({ corpId: key.corpId, dingUserId: key.dingUserId })
      return person || binding ? { person, binding } : null
    },
    departments: async (corpId) => store.listDepartments(corpId),
    people: async (corpId, filter) => store.listPeople(corpId, filter),
    async start() {
      if (timer) return
      timer = setInterval(() => void tick(), timing.renewEveryMs)
      timer.unref()
      await tick()
    },
    async stop() {
      clearInterval(timer)
      timer = undefined
      await ticking
      await Promise.all(
        runners.map(async (runner) => {
          await runner.stream?.stop()
          runner.stream = null
          await runner.busy
          await runner.lock.release()
        }),
      )
    },
    status: () =>
      runners.map((runner) => ({
        instance: runner.instance.name,
        leader: runner.lock.held,
        streamConnected: runner.stream?.connected ?? false,
      })),
  }
}

/** `auth.directory` of a store that keeps no directory: every call says why. */
export function createUnavailableDirectory(): DingTalkDirectory {
  const unavailable = async (): Promise<never> => {
    throw new DingTalkAuthError('config_error', {
      detail: 'directory: the store keeps no directory; use a built-in store or implement DirectoryStore',
    })
  }
  return {
    sync: unavailable,
    findPerson: unavailable,
    departments: unavailable,
    people: unavailable,
    start: unavailable,
    async stop() {},
    receiveCallback: unavailable,
    receivesCallbacks: false,
    status: () => [],
  }
}
