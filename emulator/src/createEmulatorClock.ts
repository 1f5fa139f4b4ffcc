/** The emulator's time source: every expiry (codes, tokens, QR sessions, bans) is measured against it. */
export interface EmulatorClock {
  /** Current time in epoch milliseconds. */
  now(): number
  /** Moves the clock forward by `ms` milliseconds (negative values are rejected). */
  advance(ms: number): void
}

/**
 * Creates a controllable clock that follows real time plus an offset, so expiry can be tested without sleeping:
 * `clock.advance(300_000)` makes every 5-minute code expire at once.
 *
 * @param startMs - the time the clock shows now; defaults to the real time.
 */
export function createEmulatorClock(startMs?: number): EmulatorClock {
  let offset = startMs === undefined ? 0 : startMs - Date.now()
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`clock.advance needs a finite ms >= 0, got ${ms}`)
      offset += ms
    },
  }
}
