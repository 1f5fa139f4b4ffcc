import type { EmulatorClock } from './createEmulatorClock'
import type { ResolvedOptions } from './EmulatorOptions'
import type { EventHub } from './events/createEventHub'
import type { FixtureIndex } from './fixture/createFixtureIndex'
import type { EmulatorFixture } from './fixture/EmulatorFixture'
import type { LeaveRecordStore } from './org/createLeaveRecordStore'
import type { CodeStore } from './state/createCodeStore'
import type { FaultStore } from './state/createFaultStore'
import type { QrSessionStore } from './state/createQrSessionStore'
import type { RateLimiter } from './state/createRateLimiter'
import type { StatsRecorder } from './state/createStatsRecorder'
import type { TokenStore } from './state/createTokenStore'

/** Everything a route needs: options, fixture lookups and the mutable state. */
export interface EmulatorContext {
  options: ResolvedOptions
  /** The live organisation; `reset` replaces it with a fresh one built from `startingFixture`. */
  index: FixtureIndex
  /** The organisation as loaded: `reset` rebuilds `index` from a copy of it once the organisation changed. */
  startingFixture: EmulatorFixture
  /** Who left which corp (`/v1.0/contact/empLeaveRecords`). */
  leaveRecords: LeaveRecordStore
  clock: EmulatorClock
  codes: CodeStore
  tokens: TokenStore
  sessions: QrSessionStore
  stats: StatsRecorder
  faults: FaultStore
  rateLimiter: RateLimiter
  /** The organisation's events and their deliveries. */
  events: EventHub
}
