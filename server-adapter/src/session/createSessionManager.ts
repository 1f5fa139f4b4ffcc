import { randomUUID } from 'node:crypto'
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose'
import { DingTalkAuthError } from '../errors'

/** Minimum secret length in bytes (HS256 keys shorter than the hash output are weak; RFC 7518 §3.2). */
export const MIN_SESSION_SECRET_BYTES = 32

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
  /** Name of the session cookie. @default 'dingtalk_session' */
  cookieName?: string
  /** `Path` of the session cookie (`/` lets the rest of your app read it server side). @default '/' */
  cookiePath?: string
  /** `iss` and `aud` of the token, so tokens of another app with the same secret are refused. @default 'dingtalk-login-server' */
  issuer?: string
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
  /** Token id (`jti`), for revocation on logout. */
  sessionId: string
  /** Expiry, epoch seconds. */
  expiresAt: number
}

/** Issues and verifies session tokens. */
export interface SessionManager {
  readonly cookieName: string
  readonly cookiePath: string
  readonly maxAgeSeconds: number
  /** Signs a new session token with the current secret. */
  issue(
    claims: Omit<SessionClaims, 'sessionId' | 'expiresAt'>,
  ): Promise<{ token: string; claims: SessionClaims }>
  /** The claims of a valid token (current or previous secret), or `null` for a tampered, expired or foreign one. */
  verify(token: string): Promise<SessionClaims | null>
}

function toKey(secret: unknown, label: string): Uint8Array {
  if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SESSION_SECRET_BYTES) {
    throw new DingTalkAuthError('config_error', {
      detail: `session: ${label} must be a string of at least ${MIN_SESSION_SECRET_BYTES} bytes, found ${
        typeof secret === 'string' ? `${Buffer.byteLength(secret, 'utf8')} bytes` : typeof secret
      }`,
    })
  }
  return new TextEncoder().encode(secret)
}

/**
 * Creates the built-in session manager: HS256 JWTs (`jose`) with key rotation.
 * @param now - clock, epoch ms. @default Date.now
 */
export function createSessionManager(options: SessionOptions, now: () => number = Date.now): SessionManager {
  const current = toKey(options.secret, 'secret')
  const keys = [current, ...(options.previousSecrets ?? []).map((s, i) => toKey(s, `previousSecrets[${i}]`))]
  const maxAgeSeconds = options.maxAgeSeconds ?? 604_800
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0) {
    throw new DingTalkAuthError('config_error', {
      detail: `session: maxAgeSeconds must be a positive integer, found ${maxAgeSeconds}`,
    })
  }
  const issuer = options.issuer ?? 'dingtalk-login-server'

  return {
    cookieName: options.cookieName ?? 'dingtalk_session',
    cookiePath: options.cookiePath ?? '/',
    maxAgeSeconds,
    async issue(claims) {
      const iat = Math.floor(now() / 1000)
      const full: SessionClaims = { ...claims, sessionId: randomUUID(), expiresAt: iat + maxAgeSeconds }
      const token = await new SignJWT({ bid: full.bindingId, cid: full.corpId, ins: full.instance })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(full.userId)
        .setJti(full.sessionId)
        .setIssuer(issuer)
        .setAudience(issuer)
        .setIssuedAt(iat)
        .setExpirationTime(full.expiresAt)
        .sign(current)
      return { token, claims: full }
    },
    async verify(token) {
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
          const { sub, jti, exp, bid, cid, ins } = payload
          if (
            typeof sub !== 'string' ||
            typeof jti !== 'string' ||
            typeof exp !== 'number' ||
            typeof bid !== 'string' ||
            typeof cid !== 'string' ||
            typeof ins !== 'string'
          ) {
            return null
          }
          return { userId: sub, bindingId: bid, corpId: cid, instance: ins, sessionId: jti, expiresAt: exp }
        } catch (error) {
          // Only a signature mismatch means "try the next (older) key"; an expired or malformed token is final.
          if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue
          return null
        }
      }
      return null
    },
  }
}
