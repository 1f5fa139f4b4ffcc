/**
 * What a fault does:
 * - `throttle`: oapi `90002` / v1.0 `403 Forbidden.AccessDenied.QpsLimitForApi`
 * - `busy`: oapi `-1` 系统繁忙 / v1.0 `503 ServiceUnavailable`
 * - `ipWhitelist`: oapi `60020` / v1.0 `403 Forbidden.AccessDenied.IpNotInWhiteList`
 * - `timeout`: never answers (or, with `latencyMs`, drops the connection after that long)
 * - `drop`: destroys the socket without an answer
 * - `ipBan`: the gateway's non-JSON ban body `{"status":1111,"wait":5,...}`
 * - `html`: an HTML error page instead of JSON
 * - `quota`: the organisation's monthly API quota is used up: oapi `90020` / v1.0
 *   `403 Forbidden.AccessDenied.ApiCountLimitForOrg`
 * Without `kind`: `errcode` → an oapi envelope; `status` + `code` → a v1.0 error body; `latencyMs` alone → slow answer.
 */
export type FaultKind = 'throttle' | 'busy' | 'ipWhitelist' | 'timeout' | 'drop' | 'ipBan' | 'html' | 'quota'

/** A fault to inject into DingTalk API calls (`POST /__emulator/faults` or `emulator.addFault`). */
export interface EmulatorFault {
  /** Endpoint key as in stats (`'POST /v1.0/oauth2/accessToken'`) or a path (`'/gettoken'`); omitted = every API call. */
  endpoint?: string
  kind?: FaultKind
  /** Extra delay before the answer (or before the drop, for `timeout`). */
  latencyMs?: number
  /** HTTP status of the faulty answer (v1.0 errors, `ipBan`, `html`). */
  status?: number
  /** oapi errcode to answer with. */
  errcode?: number
  errmsg?: string
  /** v1.0 error code to answer with. */
  code?: string
  message?: string
  /** Probability (0–1) that a matching call is affected. @default 1 */
  rate?: number
  /** How many calls it affects before it is used up. @default unlimited */
  count?: number
  /**
   * Lets this many matching calls through (per `windowMs`, if given) before the fault applies: a rate limit
   * (`{ kind: 'throttle', afterCalls: 40, windowMs: 1000 }` = 40 calls a second) or a quota
   * (`{ kind: 'quota', afterCalls: 10000 }`). @default 0
   */
  afterCalls?: number
  /** The window `afterCalls` counts in, on the emulator clock; absent = forever (until removed or reset). */
  windowMs?: number
}

/** A fault as stored, with its id and the calls it still affects. */
export interface ActiveFault extends EmulatorFault {
  id: number
  remaining: number
  /** Matching calls let through in the current window (with `afterCalls`). */
  passed: number
  /** Start of the current window (with `windowMs`), emulator clock. */
  windowStart: number
}

export interface FaultStore {
  add(fault: EmulatorFault): ActiveFault
  list(): ActiveFault[]
  remove(id: number): boolean
  /** The first fault matching the call (and its rate); one of its `count` is used up. */
  take(endpoint: string, path: string): ActiveFault | undefined
  clear(): void
}

const KINDS: FaultKind[] = ['throttle', 'busy', 'ipWhitelist', 'timeout', 'drop', 'ipBan', 'html', 'quota']

/** Checks a fault from the test API; returns an error message or the fault. */
export function parseFault(value: unknown): EmulatorFault | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a fault is a JSON object'
  const f = value as Record<string, unknown>
  const out: EmulatorFault = {}
  if (f.endpoint !== undefined) {
    if (typeof f.endpoint !== 'string' || !f.endpoint) return 'endpoint must be a non-empty string'
    out.endpoint = f.endpoint
  }
  if (f.kind !== undefined) {
    if (!KINDS.includes(f.kind as FaultKind)) return `kind must be one of ${KINDS.join(', ')}`
    out.kind = f.kind as FaultKind
  }
  for (const key of ['latencyMs', 'status', 'errcode', 'rate', 'count', 'afterCalls', 'windowMs'] as const) {
    if (f[key] === undefined) continue
    if (typeof f[key] !== 'number' || !Number.isFinite(f[key])) return `${key} must be a number`
    out[key] = f[key]
  }
  for (const key of ['errmsg', 'code', 'message'] as const) {
    if (f[key] === undefined) continue
    if (typeof f[key] !== 'string') return `${key} must be a string`
    out[key] = f[key]
  }
  if (out.status !== undefined && (out.status < 100 || out.status > 599))
    return 'status must be an HTTP status'
  if (out.rate !== undefined && (out.rate < 0 || out.rate > 1)) return 'rate must be between 0 and 1'
  if (out.count !== undefined && out.count < 1) return 'count must be at least 1'
  if (out.latencyMs !== undefined && out.latencyMs < 0) return 'latencyMs must be >= 0'
  if (out.afterCalls !== undefined && (!Number.isInteger(out.afterCalls) || out.afterCalls < 0))
    return 'afterCalls must be a whole number >= 0'
  if (out.windowMs !== undefined && out.windowMs <= 0) return 'windowMs must be > 0'
  if (out.windowMs !== undefined && out.afterCalls === undefined) return 'windowMs needs afterCalls'
  if (!out.kind && out.errcode === undefined && out.code === undefined && out.latencyMs === undefined) {
    return 'a fault needs kind, errcode, code (with status) or latencyMs'
  }
  return out
}

/**
 * @param now - the emulator clock, for `windowMs`
 * @param random - for `rate`
 */
export function createFaultStore(
  now: () => number = Date.now,
  random: () => number = Math.random,
): FaultStore {
  let faults: ActiveFault[] = []
  let nextId = 1
  const matches = (f: ActiveFault, endpoint: string, path: string) =>
    f.endpoint === undefined || f.endpoint === endpoint || f.endpoint === path
  return {
    add(fault) {
      const active: ActiveFault = {
        ...fault,
        id: nextId++,
        remaining: fault.count ?? Number.POSITIVE_INFINITY,
        passed: 0,
        windowStart: now(),
      }
      faults.push(active)
      return active
    },
    list: () => faults.map((f) => ({ ...f })),
    remove(id) {
      const before = faults.length
      faults = faults.filter((f) => f.id !== id)
      return faults.length < before
    },
    take(endpoint, path) {
      for (const fault of faults) {
        if (!matches(fault, endpoint, path)) continue
        if (fault.afterCalls !== undefined) {
          if (fault.windowMs !== undefined && now() - fault.windowStart >= fault.windowMs) {
            fault.windowStart = now()
            fault.passed = 0
          }
          if (fault.passed < fault.afterCalls) {
            fault.passed++
            continue
          }
        }
        if (fault.rate !== undefined && random() >= fault.rate) continue
        fault.remaining--
        if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault)
        return fault
      }
      return undefined
    },
    clear() {
      faults = []
    },
  }
}
