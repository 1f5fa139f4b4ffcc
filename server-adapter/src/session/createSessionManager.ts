import { randomUUID } from 'node:crypto'
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose'
import { DingTalkConfigError } from '../config/DingTalkConfigError'
import type { StateStore } from '../state/StateStore'
import { createSessionIndex } from './sessionIndex'
import type { SessionIndex, SessionPerson } from './sessionIndex'

/** Minimum secret length in bytes (HS256 keys shorter than the hash output are weak; RFC 7518 §3.2). */
export const MIN_SESSION_SECRET_BYTES = 32

/** How to make a good secret, for the error that refuses a weak one. */
const MAKE_A_SECRET = `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`

/** Options of the built-in JWT sessions. */
export interface SessionOptions {
  /** The HS256 signing secret, at least 32 bytes (UTF-8). New sessions are signed with it. */
  secret: string
  /**
   * Secrets that signed sessions before a rotation: tokens signed with them stay valid until they expire, so a
   * rotation logs nobody out. Drop a secret from the list once `maxAgeSeconds` has passed since the rotation.
   * @default []
   */
  previousSecrets?: readonly string[]
  /** Session lifetime. @default 604_800 (7 days) */
  maxAgeSeconds?: number
  /**
   * Name of the session cookie. On https it is sent as `__Host-<name>` (Secure, `Path=/`, no Domain), so a
   * sibling subdomain cannot plant a session that wins. @default 'dingtalk_session'
   */
  cookieName?: string
  /**
   * `Path` of the session cookie on http (`/` lets the rest of your app read it server side); on https it is
   * always `/`, as `__Host-` requires. @default '/'
   */
  cookiePath?: string
  /** `iss` and `aud` of the token, so tokens of another app with the same secret are refused. @default 'dingtalk-login-server' */
  issuer?: string
}

/** Options of {@link createSessionManager}: the session settings plus where revocations live. */
export interface SessionManagerOptions extends SessionOptions {
  /**
   * The state store holding the session index and revocations: give the same store the handler uses
   * (`auth.stateStore`), so a logged-out or revoked token is refused here too.
   */
  stateStore: StateStore
  /** Clock, epoch ms. @default Date.now */
  now?: () => number
}

/** What a session token says. */
export interface SessionClaims {
  /** The local user id (`sub`). */
  userId: string
  /** The binding id. */
  bindingId: string
  /** The corp the person logged in through. */
  corpId: string
  /** The instance (login type) name. */
  instance: string
  /** Token id (`jti`): what revocation names. */
  sessionId: string
  /** Issue time, epoch ms. */
  issuedAt: number
  /** Expiry, epoch seconds. */
  expiresAt: number
}

/** Issues, verifies (revocation included) and indexes session tokens. */
export interface SessionManager {
  readonly cookieName: string
  readonly cookiePath: string
  readonly maxAgeSeconds: number
  /** The session index: list and revoke sessions by user or binding. */
  readonly index: SessionIndex
  /**
   * Signs a new session token with the current secret and records it in the session index. `since` dates it (epoch
   * ms, not after now): the start of the login it ends, so that a revocation made while the login ran (a leave,
   * `revokeUser`) covers it too. @default now
   */
  issue(
    claims: Omit<SessionClaims, 'sessionId' | 'expiresAt' | 'issuedAt'>,
    person: SessionPerson,
    options?: { since?: number },
  ): Promise<{ token: string; claims: SessionClaims }>
  /**
   * The token of already issued claims, byte for byte the one {@link SessionManager.issue} returned (HS256 is
   * deterministic): a replayed login answers the same session instead of a second one.
   */
  sign(claims: SessionClaims): Promise<string>
  /**
   * The claims of a valid token (current or previous secret) that is not revoked, or `null` for a tampered,
   * expired, foreign, logged-out or revoked one. Reads the state store on every call: a revocation in another
   * process counts at once.
   */
  verify(token: string): Promise<SessionClaims | null>
}

/** Where session settings come from, as config errors name it. */
const SESSION_SOURCE = 'createDingTalkAuth options'

function sessionConfigError(
  field: string,
  expected: string,
  found: string,
  fix?: string,
): DingTalkConfigError {
  return new DingTalkConfigError([
    { file: SESSION_SOURCE, field: `session.${field}`, expected, found, ...(fix ? { fix } : {}) },
  ])
}

function toKey(secret: unknown, label: string): Uint8Array {
  if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SESSION_SECRET_BYTES) {
    throw sessionConfigError(
      label,
      `a random string of at least ${MIN_SESSION_SECRET_BYTES} bytes`,
      typeof secret === 'string' ? `${Buffer.byteLength(secret, 'utf8')} bytes` : typeof secret,
      `make one with ${MAKE_A_SECRET}, keep it in the environment and pass session: { secret: process.env.SESSION_SECRET }`,
    )
  }
  return new TextEncoder().encode(secret)
}

/**
 * Creates the built-in session manager: HS256 JWTs (`jose`) with key rotation, recorded in a session index in
 * the state store so that logout and revocation (`revokeUser`, `revokeBinding`) refuse a token everywhere.
 *
 * @example
 * const sessions = createSessionManager({ secret: process.env.SESSION_SECRET!, stateStore: auth.stateStore })
 * const claims = await sessions.verify(token) // null once logged out or revoked
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const now = options.now ?? Date.now
  const current = toKey(options.secret, 'secret')
  const keys = [current, ...(options.previousSecrets ?? []).map((s, i) => toKey(s, `previousSecrets[${i}]`))]
  const maxAgeSeconds = options.maxAgeSeconds ?? 604_800
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0) {
    throw sessionConfigError('maxAgeSeconds', 'a positive integer (seconds)', String(maxAgeSeconds))
  }
  if (!options.stateStore) {
    throw sessionConfigError(
      'stateStore',
      'the state store where logouts and revocations are recorded (auth.stateStore)',
      'nothing',
    )
  }
  const issuer = options.issuer ?? 'dingtalk-login-server'
  const index = createSessionIndex({ stateStore: options.stateStore, now, maxAgeMs: maxAgeSeconds * 1000 })

  const sign = (claims: SessionClaims) =>
    new SignJWT({
      bid: claims.bindingId,
      cid: claims.corpId,
      ins: claims.instance,
      iat_ms: claims.issuedAt,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setJti(claims.sessionId)
      .setIssuer(issuer)
      .setAudience(issuer)
      .setIssuedAt(Math.floor(claims.issuedAt / 1000))
      .setExpirationTime(claims.expiresAt)
      .sign(current)

  async function verifySignature(token: string): Promise<SessionClaims | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return null
    for (const key of keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer,
          audience: issuer,
          currentDate: new Date(now()),
          requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        })
        const { sub, jti, exp, iat, bid, cid, ins, iat_ms: issuedAtMs } = payload
        if (
          typeof sub !== 'string' ||
          typeof jti !== 'string' ||
          typeof exp !== 'number' ||
          typeof iat !== 'number' ||
          typeof bid !== 'string' ||
          typeof cid !== 'string' ||
          typeof ins !== 'string'
        ) {
          return null
        }
        return {
          userId: sub,
          bindingId: bid,
          corpId: cid,
          instance: ins,
          sessionId: jti,
          issuedAt: typeof issuedAtMs === 'number' ? issuedAtMs : iat * 1000,
          expiresAt: exp,
        }
      } catch (error) {
        // Only a signature mismatch means "try the next (older) key"; an expired or malformed token is final.
        if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue
        return null
      }
    }
    return null
  }

  return {
    cookieName: options.cookieName ?? 'dingtalk_session',
    cookiePath: options.cookiePath ?? '/',
    maxAgeSeconds,
    index,
    async issue(claims, person, options = {}) {
      const issuedAt = Math.min(options.since ?? Infinity, now())
      const full: SessionClaims = {
        ...claims,
        sessionId: randomUUID(),
        issuedAt,
        expiresAt: Math.floor(issuedAt / 1000) + maxAgeSeconds,
      }
      await index.record(full, person)
      return { token: await sign(full), claims: full }
    },
    sign,
    async verify(token) {
      const claims = await verifySignature(token)
      if (!claims || (await index.isRevoked(claims))) return null
      return claims
    },
  }
}
