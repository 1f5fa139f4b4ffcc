import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { StateStore } from '../state/StateStore'
import type { LifecycleScope, PeopleLifecycle } from './createPeopleLifecycle'

// DingTalk: the records API takes windows of at most 365 days.
const MAX_WINDOW_MS = 365 * 86_400_000
// Records may appear a little after their leaveTime: read an overlap back (leaves already recorded are skipped).
const OVERLAP_MS = 10 * 60_000
const CURSOR_TTL_MS = 400 * 86_400_000

/** What {@link pollLeaveRecords} reads with and applies to. */
export interface LeaveRecordsPoll {
  instance: DDInnerAuth
  /** Where the leaves apply (the instance, corp and settings); the source is `leave-records`. */
  scope: Omit<LifecycleScope, 'source'>
  lifecycle: PeopleLifecycle
  /** Keeps the end of the last read window, shared by every process. */
  stateStore: StateStore
  now: () => number
  signal?: AbortSignal
}

/**
 * Reads `empLeaveRecords` since the last read and applies each leave, so a leave whose event was missed (no
 * connection, a failed push) still ends the person's sessions. Resolves how many people were newly marked left.
 */
export async function pollLeaveRecords({
  instance,
  scope,
  lifecycle,
  stateStore,
  now,
  signal,
}: LeaveRecordsPoll): Promise<number> {
  const cursorKey = `directory:leave-records:${instance.corpId}`
  // DingTalk takes the window to the second: round the end up, or a leave earlier in this very second is
  // outside the window while the cursor moves past it.
  const end = Math.ceil(now() / 1000) * 1000
  const last = Number((await stateStore.get(cursorKey)) ?? NaN)
  // The first read looks one day back; later reads from the last one, minus the overlap.
  const start = Math.max(
    end - MAX_WINDOW_MS + 1,
    Number.isFinite(last) ? last - OVERLAP_MS : end - 86_400_000,
  )
  let applied = 0
  let nextToken: string | undefined
  do {
    const page = await instance
      .getClient()
      .directory.listLeaveRecords(
        { startTime: start, endTime: end, maxResults: 50, ...(nextToken ? { nextToken } : {}) },
        signal ? { signal } : {},
      )
    for (const record of page.records) {
      const left = await lifecycle.leave(
        { ...scope, source: 'leave-records' },
        { dingUserId: record.userId },
        record.leaveTime,
        // DingTalk: leave times are given to the second.
        { precisionMs: 1_000 },
      )
      if (left) applied++
    }
    nextToken = page.nextToken
  } while (nextToken)
  await stateStore.set(cursorKey, String(end), CURSOR_TTL_MS)
  return applied
}
