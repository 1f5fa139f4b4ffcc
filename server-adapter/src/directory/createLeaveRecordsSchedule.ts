import { DingTalkApiError } from '../dingtalk/DingTalkApiError'
import { DingTalkFetchError } from '../dingtalk/DingTalkFetchError'
import { isIpBannedError, isQuotaExhaustedError, isThrottledError } from '../dingtalk/errorPredicates'
import { UnexpectedResponseError } from '../dingtalk/UnexpectedResponseError'
import type { Logger } from '../logger'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { StateStore } from '../state/StateStore'
import type { PeopleLifecycle } from './createPeopleLifecycle'
import type { ResolvedDirectorySettings } from './DirectoryOptions'
import { SCHEDULE_STAMP_TTL_MS, readStamp } from './scheduleStamps'
import { pollLeaveRecords } from './pollLeaveRecords'

/**
 * The longest wait between two tries of a failing read (unless `leaveRecordsEvery` is longer), as the crawl's
 * retry after an incomplete crawl: a lasting cause (the permission not granted, the monthly quota used up) would
 * otherwise cost a DingTalk call, and a log line, every `leaveRecordsEvery` until someone acts.
 */
export const LEAVE_RECORDS_MAX_RETRY_MS = 3_600_000

// DingTalk: the permission empLeaveRecords needs **[U]**, named when its 403 names none.
const LEAVE_RECORDS_PERMISSION = 'Contact.Common.Read'

/** Why a read failed, as far as DingTalk says. */
type FailureReason = 'permission' | 'quota' | 'ip_banned' | 'throttled' | 'unreachable' | 'error'

/** The failures since the last read that worked, shared by every process through the state store. */
interface FailureStreak {
  failures: number
  reason: FailureReason
}

function reasonOf(error: unknown): FailureReason | undefined {
  if (isQuotaExhaustedError(error)) return 'quota'
  if (isIpBannedError(error)) return 'ip_banned'
  if (isThrottledError(error)) return 'throttled'
  if (error instanceof DingTalkApiError) {
    const denied =
      error.code === 'Forbidden.AccessDenied.AccessTokenPermissionDenied' ||
      error.errcode === 60011 ||
      (error.requiredScopes?.length ?? 0) > 0
    return denied ? 'permission' : 'error'
  }
  if (error instanceof DingTalkFetchError) return 'unreachable'
  if (error instanceof UnexpectedResponseError) return 'error'
  // Not DingTalk's answer: a fault of ours (the store, a bug), left to the caller's error log.
  return undefined
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`

/** What to do about it, for the one warning of a streak; never DingTalk's own message (it may quote a token). */
function advice(reason: FailureReason, error: unknown, retryMs: number): string {
  const retry = `; trying again in ${minutes(retryMs)}, less often while it keeps failing`
  switch (reason) {
    case 'permission': {
      const scopes =
        error instanceof DingTalkApiError && error.requiredScopes?.length
          ? error.requiredScopes.join(', ')
          : LEAVE_RECORDS_PERMISSION
      return `directory: reading leave records needs the permission ${scopes}: grant it to the app in the DingTalk developer console (权限管理), or set directory.leaveRecordsEvery: false; until then a leave whose event was missed waits for the next full crawl${retry}`
    }
    case 'quota':
      return `directory: reading leave records failed: the organisation's monthly DingTalk API quota is used up${retry}`
    case 'ip_banned':
      return `directory: reading leave records failed: DingTalk's gateway banned this server's IP for a while${retry}`
    case 'throttled':
      return `directory: reading leave records failed: DingTalk throttled the calls${retry}`
    case 'unreachable':
      return `directory: reading leave records failed: DingTalk could not be reached${retry}`
    case 'error': {
      const code = error instanceof DingTalkApiError ? ` ${error.code}` : ''
      return `directory: reading leave records failed: DingTalk answered${code}${retry}`
    }
  }
}

/** What {@link createLeaveRecordsSchedule} reads with and writes to. */
export interface LeaveRecordsScheduleOptions {
  instance: DDInnerAuth
  settings: ResolvedDirectorySettings
  stateStore: StateStore
  lifecycle: PeopleLifecycle
  logger: Logger
  now: () => number
  /** `leaveRecordsEvery`, in ms. */
  everyMs: number
}

/** When the leader reads leave records, and what a failed read does to the next one. */
export interface LeaveRecordsSchedule {
  /**
   * Whether a read is due: `leaveRecordsEvery` after the last try, or after failed tries twice as long for each
   * one in a row, up to {@link LEAVE_RECORDS_MAX_RETRY_MS} (or `leaveRecordsEvery` when longer).
   */
  due(): Promise<boolean>
  /** Whether the last try failed (a read now would most likely fail the same way). */
  failing(): Promise<boolean>
  /**
   * One read, the try stamped first so no other round starts one meanwhile. A failure DingTalk answered is
   * counted and warned about once per cause, not thrown; a read cut short by `signal` counts as no try at all.
   */
  read(signal: AbortSignal): Promise<void>
}

/** The leave-records read of one instance on the leader's rounds. */
export function createLeaveRecordsSchedule(options: LeaveRecordsScheduleOptions): LeaveRecordsSchedule {
  const { instance, settings, stateStore, lifecycle, logger, now, everyMs } = options
  const lastTryKey = `directory:last-leave-records:${instance.corpId}`
  const streakKey = `directory:leave-records-failures:${instance.corpId}`

  async function readStreak(): Promise<FailureStreak | null> {
    const text = await stateStore.get(streakKey)
    if (text === null) return null
    try {
      const streak = JSON.parse(text) as Partial<FailureStreak>
      return typeof streak.failures === 'number' && typeof streak.reason === 'string'
        ? { failures: streak.failures, reason: streak.reason }
        : null
    } catch {
      return null
    }
  }

  /** How long after a try the next one is due, with `failures` failed tries in a row. */
  function waitAfter(failures: number): number {
    if (failures === 0) return everyMs
    const cap = Math.max(everyMs, LEAVE_RECORDS_MAX_RETRY_MS)
    return Math.min(cap, everyMs * 2 ** Math.min(failures - 1, 30))
  }

  async function recordFailure(error: unknown, reason: FailureReason): Promise<void> {
    const before = await readStreak()
    const failures = (before?.failures ?? 0) + 1
    await stateStore.set(streakKey, JSON.stringify({ failures, reason }), SCHEDULE_STAMP_TTL_MS)
    const retryMs = waitAfter(failures)
    const fields = { instance: instance.name, corpId: instance.corpId, reason, failures, retryInMs: retryMs }
    // Once per cause: a lasting one (a permission, the quota) is one warning, not one every try.
    if (before?.reason === reason) logger.debug(fields, 'directory: reading leave records failed again')
    else logger.warn(fields, advice(reason, error, retryMs))
  }

  return {
    async due() {
      const last = await readStamp(stateStore, lastTryKey)
      if (last === null) return true
      const failures = (await readStreak())?.failures ?? 0
      return now() - last >= waitAfter(failures)
    },
    async failing() {
      return (await readStreak()) !== null
    },
    async read(signal) {
      const stamp = String(now())
      await stateStore.set(lastTryKey, stamp, SCHEDULE_STAMP_TTL_MS)
      try {
        await pollLeaveRecords({
          instance,
          scope: { instance: instance.name, corpId: instance.corpId, settings },
          lifecycle,
          stateStore,
          now,
          signal,
        })
      } catch (error) {
        // Cut short by stop() (a restart, a deploy): says nothing about DingTalk; the next leader reads at once.
        if (signal.aborted) {
          await stateStore.delete(lastTryKey, stamp)
          throw error
        }
        const reason = reasonOf(error)
        if (reason === undefined) throw error
        return recordFailure(error, reason)
      }
      if (await stateStore.delete(streakKey))
        logger.info(
          { instance: instance.name, corpId: instance.corpId },
          'directory: reading leave records works again',
        )
    },
  }
}
