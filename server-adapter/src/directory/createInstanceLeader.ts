import type { Logger } from '../logger'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { StateStore } from '../state/StateStore'
import type { DirectoryEvent, EventOutcome } from './applyDirectoryEvent'
import { createLeaderLock } from './createLeaderLock'
import { createLeaveRecordsSchedule } from './createLeaveRecordsSchedule'
import type { PeopleLifecycle } from './createPeopleLifecycle'
import { createStreamClient } from './createStreamClient'
import type { StreamClient, StreamEventFrame } from './createStreamClient'
import type { ResolvedDirectorySettings } from './DirectoryOptions'
import { SCHEDULE_STAMP_TTL_MS, readStamp } from './scheduleStamps'
import type { ResolvedDirectoryTiming } from './DirectoryTiming'

const lastFullSyncKey = (corpId: string) => `directory:last-full-sync:${corpId}`

/** Records a complete crawl of the corp, whoever ran it: the schedule of every process counts from it. */
export async function recordCompleteSync(stateStore: StateStore, corpId: string, at: number): Promise<void> {
  await stateStore.set(lastFullSyncKey(corpId), String(at), SCHEDULE_STAMP_TTL_MS)
}

// Written when a scheduled crawl starts, complete or not: the schedule counts from it.
const lastSyncAttemptKey = (corpId: string) => `directory:last-sync-attempt:${corpId}`

/**
 * How soon the schedule crawls again after a crawl that came back incomplete (capped by `fullSyncEvery`). A lasting
 * cause (one unreadable department, throttling, the monthly quota `90020` used up) would otherwise start a new full
 * crawl every round, each one spending DingTalk's monthly quota for nothing.
 */
export const INCOMPLETE_SYNC_RETRY_MS = 3_600_000

/** What {@link createInstanceLeader} works with. */
export interface InstanceLeaderOptions {
  instance: DDInnerAuth
  settings: ResolvedDirectorySettings
  stateStore: StateStore
  lifecycle: PeopleLifecycle
  logger: Logger
  now: () => number
  timing: ResolvedDirectoryTiming
  /** v1.0 API origin, where Stream mode opens its connections. */
  apiBase: string
  fetch?: typeof fetch
  /** Applies one event of the Stream connection once. */
  apply: (event: DirectoryEvent) => Promise<EventOutcome>
  /** One full crawl of the instance's corp, as `directory.sync` runs it; `signal` ends it early (on stop). */
  sync: (signal: AbortSignal) => Promise<unknown>
}

/** The leadership of one instance in this process: the lease, and what the leader does. */
export interface InstanceLeader {
  /**
   * One round, every `leader.renewEvery`: takes or renews the lease; the leader keeps the Stream connection open
   * and starts the crawl or leave-records read that is due; a process that is not (or no longer) the leader
   * closes its connection.
   */
  tick(): Promise<void>
  /** Closes the connection, ends a running crawl early (waiting for it to let go) and gives the lease up. */
  stop(): Promise<void>
  readonly leader: boolean
  readonly streamConnected: boolean
}

/** A Stream EVENT frame as a directory event; a born time that is not a number is taken as now. */
export function toFrameEvent(corpId: string, frame: StreamEventFrame, now: () => number): DirectoryEvent {
  const ids = (value: unknown) => (Array.isArray(value) ? value : value === undefined ? [] : [value])
  const bornTime = Number(frame.headers.eventBornTime ?? frame.data.timeStamp)
  return {
    eventId: frame.headers.eventId ?? frame.headers.messageId ?? '',
    eventType: frame.headers.eventType ?? '',
    corpId: frame.headers.eventCorpId ?? corpId,
    bornTime: Number.isFinite(bornTime) ? bornTime : now(),
    userIds: ids(frame.data.userId).map(String),
    deptIds: ids(frame.data.deptId)
      .map(Number)
      .filter((id) => Number.isSafeInteger(id)),
  }
}

/** One instance's lease (one leader per app across processes), Stream connection and schedule. */
export function createInstanceLeader(options: InstanceLeaderOptions): InstanceLeader {
  const { instance, settings, stateStore, lifecycle, logger, now, timing } = options
  const lock = createLeaderLock({
    stateStore,
    key: `directory:leader:${instance.authConfig.appKey}`,
    ttlMs: timing.leaseMs,
    now,
  })
  let stream: StreamClient | null = null
  // Aborted by stop(): a scheduled crawl then ends at its next DingTalk call instead of running to its end.
  let stopping = new AbortController()
  // One crawl or leave-records read at a time; a round that finds one running starts nothing.
  let busy: Promise<unknown> | null = null

  function background(label: string, work: (signal: AbortSignal) => Promise<unknown>): void {
    if (busy) return
    const { signal } = stopping
    busy = work(signal)
      .catch((error: unknown) => {
        if (!signal.aborted)
          logger.error({ instance: instance.name, err: error }, `directory: ${label} failed`)
      })
      .finally(() => {
        busy = null
      })
  }

  const leaveRecords =
    settings.leaveRecordsEveryMs === false
      ? null
      : createLeaveRecordsSchedule({
          instance,
          settings,
          stateStore,
          lifecycle,
          logger,
          now,
          everyMs: settings.leaveRecordsEveryMs,
        })

  /** A full crawl is due `fullSyncEvery` after the last complete one, or a shorter retry after an incomplete one. */
  async function crawlDue(): Promise<boolean> {
    const everyMs = settings.fullSyncEveryMs
    if (everyMs === false) return false
    const attempt = await readStamp(stateStore, lastSyncAttemptKey(instance.corpId))
    const complete = await readStamp(stateStore, lastFullSyncKey(instance.corpId))
    // No complete crawl since the last attempt: it came back incomplete, failed, or still runs (a leader before).
    if (attempt !== null && (complete === null || complete < attempt))
      return now() - attempt >= Math.min(everyMs, INCOMPLETE_SYNC_RETRY_MS)
    return complete === null || now() - complete >= everyMs
  }

  async function scheduledCrawl(signal: AbortSignal): Promise<void> {
    const key = lastSyncAttemptKey(instance.corpId)
    const stamp = String(now())
    await stateStore.set(key, stamp, SCHEDULE_STAMP_TTL_MS)
    try {
      await options.sync(signal)
    } finally {
      // A crawl cut short by stop() (a restart, a deploy) says nothing about DingTalk: the next leader crawls at once.
      if (signal.aborted) await stateStore.delete(key, stamp)
    }
  }

  function openStream(): StreamClient {
    let wasConnected = false
    const client = createStreamClient({
      apiBase: options.apiBase,
      clientId: instance.authConfig.appKey,
      clientSecret: instance.authConfig.appSecret,
      logger,
      heartbeatMs: timing.heartbeatMs,
      reconnectBaseMs: timing.reconnectMinMs,
      reconnectMaxMs: timing.reconnectMaxMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      onEvent: async (frame) =>
        (await options.apply(toFrameEvent(instance.corpId, frame, now))) === 'busy' ? 'LATER' : 'SUCCESS',
      onStateChange: (connected) => {
        // Back after a gap: leaves that happened meanwhile may have no event left to deliver. Unless reads are
        // failing: the schedule's backoff tries again, a flapping connection must not.
        if (connected && wasConnected && leaveRecords)
          background('reading leave records', async (signal) => {
            if (!(await leaveRecords.failing())) await leaveRecords.read(signal)
          })
        wasConnected ||= connected
      },
    })
    client
      .start()
      .catch((error: unknown) =>
        logger.warn({ instance: instance.name, err: error }, 'Stream mode: could not connect; retrying'),
      )
    return client
  }

  async function closeStream(): Promise<void> {
    const closing = stream
    stream = null
    await closing?.stop()
  }

  let leaseEnd: NodeJS.Timeout | undefined
  // A round that cannot renew (a state store that hangs) must not keep the connection open past the lease, when
  // another process may already hold both.
  function closeStreamAtLeaseEnd(): void {
    clearTimeout(leaseEnd)
    leaseEnd = undefined
    if (lock.heldUntil === 0) return
    leaseEnd = setTimeout(
      () => {
        if (lock.held) return closeStreamAtLeaseEnd()
        closeStream().catch((error: unknown) =>
          logger.warn({ instance: instance.name, err: error }, 'Stream mode: closing the connection failed'),
        )
      },
      Math.max(0, lock.heldUntil - now()),
    )
    leaseEnd.unref()
  }

  return {
    get leader() {
      return lock.held
    },
    get streamConnected() {
      return stream?.connected ?? false
    },
    async tick() {
      const leading = await lock.acquire().catch((error: unknown) => {
        logger.warn(
          { instance: instance.name, err: error },
          'directory: the leader lease could not be taken or renewed; a leader leads on until its lease runs out',
        )
        return lock.held
      })
      closeStreamAtLeaseEnd()
      if (!leading) return closeStream()
      if (settings.events === 'stream' && !stream) stream = openStream()
      if (await crawlDue()) {
        background('scheduled sync', scheduledCrawl)
      } else if (leaveRecords && (await leaveRecords.due())) {
        background('reading leave records', (signal) => leaveRecords.read(signal))
      }
    },
    async stop() {
      clearTimeout(leaseEnd)
      leaseEnd = undefined
      stopping.abort(new Error('directory: stopped'))
      await closeStream()
      await busy
      // A later start() leads afresh.
      stopping = new AbortController()
      await lock.release()
    },
  }
}
