import { createAccessToken } from '../ids'

/** `oauth`: the authCode of the QR / login page; `freeLogin`: the code of `requestAuthCode` in the container. */
export type CodeKind = 'oauth' | 'freeLogin'

/** A code the emulator issued. */
export interface IssuedCode {
  code: string
  kind: CodeKind
  /** App the code is bound to (always for OAuth codes; free-login codes only when minted with a clientId). */
  clientId: string | undefined
  unionId: string
  /** The corp of the login: required for free-login codes, set for OAuth codes with the `corpid` scope. */
  corpId: string | undefined
  scope: string
  createdAt: number
  expiresAt: number
}

/** Single-use codes with expiry. */
export interface CodeStore {
  issue(fields: Omit<IssuedCode, 'code' | 'createdAt' | 'expiresAt'>, ttlMs: number): IssuedCode
  /** The code if it exists, is unexpired, and `accept` agrees; it is then used up (forgotten). */
  consume(code: unknown, accept: (issued: IssuedCode) => boolean): IssuedCode | undefined
  /** How many codes are held: the live ones, plus expired ones until the next sweep. */
  size(): number
  clear(): void
}

/** Bounds of the store. DingTalk documents none; they keep an emulator that runs for days (demo, soak) from growing. */
export interface CodeStoreLimits {
  /**
   * Most codes held at once. Minting past it forgets the oldest, which then answers as an expired code does.
   * @default 100_000
   */
  maxCodes?: number
}

export const DEFAULT_MAX_CODES = 100_000
/** Below this many codes the store never sweeps: small stores are not worth the walk. */
const SWEEP_FLOOR = 1_000

/**
 * A used code is deleted at once and an expired one when it is next read; codes minted and never used go in a
 * sweep, run when the store has doubled since the last one (so a mint costs O(1) on average).
 */
export function createCodeStore(now: () => number, limits: CodeStoreLimits = {}): CodeStore {
  const maxCodes = limits.maxCodes ?? DEFAULT_MAX_CODES
  const codes = new Map<string, IssuedCode>()
  let sweepAt = SWEEP_FLOOR

  const sweep = () => {
    const t = now()
    for (const [code, issued] of codes) if (t >= issued.expiresAt) codes.delete(code)
    sweepAt = Math.max(SWEEP_FLOOR, codes.size * 2)
  }

  return {
    issue(fields, ttlMs) {
      if (codes.size >= sweepAt) sweep()
      // Still full of live codes: the oldest goes first (a Map iterates in insertion order).
      while (codes.size >= maxCodes) codes.delete(codes.keys().next().value!)
      const createdAt = now()
      const issued: IssuedCode = {
        ...fields,
        code: createAccessToken(),
        createdAt,
        expiresAt: createdAt + ttlMs,
      }
      codes.set(issued.code, issued)
      return issued
    },
    consume(code, accept) {
      if (typeof code !== 'string') return undefined
      const issued = codes.get(code)
      if (!issued) return undefined
      if (now() >= issued.expiresAt) {
        codes.delete(code)
        return undefined
      }
      // A refused attempt (another app's code, the wrong kind) does not use the code up.
      if (!accept(issued)) return undefined
      // Single use: DingTalk answers a used code as it answers an unknown one.
      codes.delete(code)
      return issued
    },
    size: () => codes.size,
    clear() {
      codes.clear()
      sweepAt = SWEEP_FLOOR
    },
  }
}
