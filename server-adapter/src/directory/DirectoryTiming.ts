import { DingTalkAuthError } from '../errors'
import { parseInterval } from './parseInterval'

/**
 * The leader lease in the state store: one process per app holds the Stream connection and runs the schedule.
 * Durations are `'15s'`, `'500ms'`, `'1m'` or ms.
 */
export interface DirectoryLeaderOptions {
  /**
   * How long a lease lasts unless renewed: when the leading process dies (or loses the state store), another one
   * takes over within this. Shorter is a quicker handover, at one state-store write per `renewEvery` and process.
   * @default '15s'
   */
  lease?: string | number
  /**
   * How often the leader renews its lease and checks the schedule, and every other process tries to take a free
   * lease. Must be less than `lease`, with room for a slow state store, and at least 50 ms.
   * @default a third of `lease`
   */
  renewEvery?: string | number
}

/** The Stream connection's upkeep (with `events: 'stream'`). Durations as in {@link DirectoryLeaderOptions}. */
export interface DirectoryStreamOptions {
  /**
   * WebSocket ping interval: a connection that answered no ping by the next one is closed and opened again (a
   * network change can leave a socket that neither closes nor carries anything). At least 50 ms. @default '10s'
   */
  heartbeatEvery?: string | number
  /**
   * Delay before the first attempt to reopen a lost connection; it doubles after each failed attempt, up to
   * `reconnectMax`. Each delay is drawn between half of it and all of it, so processes do not retry in step.
   * At least 10 ms. @default '1s'
   */
  reconnectMin?: string | number
  /** The longest delay between two attempts to reopen the connection. @default '30s' */
  reconnectMax?: string | number
}

/**
 * The shortest timings accepted: below them a typo (`'1ms'` for `'1m'`) would write to the state store, or ask
 * DingTalk's gateway for a ticket, hundreds of times a second.
 */
const MIN_RENEW_EVERY_MS = 50
const MIN_HEARTBEAT_MS = 50
const MIN_RECONNECT_MS = 10

function atLeast(valueMs: number, floorMs: number, option: string): number {
  if (valueMs < floorMs) {
    throw new DingTalkAuthError('config_error', {
      detail: `directory: ${option} (${valueMs} ms) must be at least ${floorMs} ms`,
    })
  }
  return valueMs
}

/** The lease and Stream timings with every default filled in, in ms. */
export interface ResolvedDirectoryTiming {
  leaseMs: number
  renewEveryMs: number
  heartbeatMs: number
  reconnectMinMs: number
  reconnectMaxMs: number
}

/** The timings of `directory.leader` and `directory.stream`; throws `config_error` naming the option at fault. */
export function resolveDirectoryTiming(
  leader: DirectoryLeaderOptions = {},
  stream: DirectoryStreamOptions = {},
): ResolvedDirectoryTiming {
  const leaseMs = parseInterval(leader.lease ?? '15s', 'leader.lease')
  const renewEveryMs = atLeast(
    leader.renewEvery === undefined
      ? Math.floor(leaseMs / 3)
      : parseInterval(leader.renewEvery, 'leader.renewEvery'),
    MIN_RENEW_EVERY_MS,
    leader.renewEvery === undefined ? 'leader.renewEvery (a third of leader.lease)' : 'leader.renewEvery',
  )
  if (renewEveryMs >= leaseMs) {
    throw new DingTalkAuthError('config_error', {
      detail: `directory: leader.renewEvery (${renewEveryMs} ms) must be less than leader.lease (${leaseMs} ms), or the lease runs out between renewals and the leader changes all the time`,
    })
  }
  const reconnectMinMs = atLeast(
    parseInterval(stream.reconnectMin ?? '1s', 'stream.reconnectMin'),
    MIN_RECONNECT_MS,
    'stream.reconnectMin',
  )
  const reconnectMaxMs = parseInterval(stream.reconnectMax ?? '30s', 'stream.reconnectMax')
  if (reconnectMinMs > reconnectMaxMs) {
    throw new DingTalkAuthError('config_error', {
      detail: `directory: stream.reconnectMin (${reconnectMinMs} ms) must not be more than stream.reconnectMax (${reconnectMaxMs} ms)`,
    })
  }
  return {
    leaseMs,
    renewEveryMs,
    heartbeatMs: atLeast(
      parseInterval(stream.heartbeatEvery ?? '10s', 'stream.heartbeatEvery'),
      MIN_HEARTBEAT_MS,
      'stream.heartbeatEvery',
    ),
    reconnectMinMs,
    reconnectMaxMs,
  }
}
