/** Options of Stream mode (the `stream` option of `startEmulator`). Every *[U]* default is a best guess. */
export interface StreamOptions {
  /** Lifetime of a ticket from `connections/open`, on the emulator clock ("valid about 90 s"). @default 90000 */
  ticketTtlMs?: number
  /** *[U]* How long an EVENT frame waits for its ack (or after a `LATER` ack) before it is pushed again (the SDK says about 60 s). @default 60000 */
  redeliveryMs?: number
  /** How long after a SYSTEM `disconnect` frame the emulator closes the socket ("about 10 s"). @default 10000 */
  disconnectCloseMs?: number
  /**
   * *[U]* Interval of SYSTEM `ping` frames; a connection that has not answered the previous ping when the next is
   * due is closed. `false`: no pings (send one with `stream.ping()`). @default 30000
   */
  pingIntervalMs?: number | false
  /**
   * *[U]* Events published while an app has no open connection: `'queue'` keeps them unacked and pushes them when
   * the app connects (DingTalk pushes every unacked event again); `'drop'` marks them failed. @default 'queue'
   */
  offlineEvents?: 'queue' | 'drop'
  /** Probability 0–1 that a push is sent twice (DingTalk's duplicates: deduplicate by `eventId`). @default 0 */
  duplicateRate?: number
}

export type ResolvedStreamOptions = Required<StreamOptions>

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`stream.${name} must be a number >= 0, got ${value}`)
  return value
}

export function resolveStreamOptions(options: StreamOptions = {}): ResolvedStreamOptions {
  const duplicateRate = nonNegative('duplicateRate', options.duplicateRate, 0)
  if (duplicateRate > 1)
    throw new RangeError(`stream.duplicateRate must be between 0 and 1, got ${duplicateRate}`)
  const ping = options.pingIntervalMs
  return {
    ticketTtlMs: nonNegative('ticketTtlMs', options.ticketTtlMs, 90_000),
    redeliveryMs: nonNegative('redeliveryMs', options.redeliveryMs, 60_000),
    disconnectCloseMs: nonNegative('disconnectCloseMs', options.disconnectCloseMs, 10_000),
    pingIntervalMs: ping === false ? false : nonNegative('pingIntervalMs', ping, 30_000),
    offlineEvents: options.offlineEvents ?? 'queue',
    duplicateRate,
  }
}
