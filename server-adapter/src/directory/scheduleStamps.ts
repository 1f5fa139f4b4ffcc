import type { StateStore } from '../state/StateStore'

/** How long the schedule's stamps in the state store live: longer than any sensible interval (a year of them). */
export const SCHEDULE_STAMP_TTL_MS = 400 * 86_400_000

/** The time (epoch ms) a schedule stamp holds, or `null` when there is none (or it is not a number). */
export async function readStamp(stateStore: StateStore, key: string): Promise<number | null> {
  const stamp = Number((await stateStore.get(key)) ?? NaN)
  return Number.isFinite(stamp) ? stamp : null
}
