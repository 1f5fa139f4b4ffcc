/** How long the schedule's stamps in the state store live: longer than any sensible interval (a year of them). */
export const SCHEDULE_STAMP_TTL_MS = 400 * 86_400_000
