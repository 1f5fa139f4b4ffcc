import type { SessionManager } from '../session/createSessionManager'
import { serializeCookie } from './cookies'
import { hostCookieName } from './requestContext'

/** Where a request's session token is: its name and path, by scheme. */
export interface SessionCookieRules {
  cookieName: string
  cookiePath: string
}

/** The session cookie's name on this scheme: `__Host-<name>` on https, the plain name on http. */
export function sessionCookieName(rules: SessionCookieRules, secure: boolean): string {
  return hostCookieName(rules.cookieName, secure)
}

/** `Set-Cookie` of a session token (`maxAgeSeconds` 0 deletes it). */
export function serializeSessionCookie(
  sessions: SessionManager,
  token: string,
  { secure, maxAgeSeconds }: { secure: boolean; maxAgeSeconds: number },
): string {
  const name = sessionCookieName(sessions, secure)
  return serializeCookie(name, token, {
    path: name.startsWith('__Host-') ? '/' : sessions.cookiePath,
    maxAge: maxAgeSeconds,
    secure,
  })
}

/**
 * The session token a request presents: `Authorization: Bearer`, else the session cookie of its scheme (on
 * https only the `__Host-` cookie, which no sibling subdomain can plant).
 */
export function sessionTokenOf(
  headers: Headers,
  cookies: ReadonlyMap<string, string>,
  rules: SessionCookieRules,
  secure: boolean,
): string | null {
  const authorization = headers.get('authorization')
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null
  if (match?.[1]) return match[1]
  return cookies.get(sessionCookieName(rules, secure)) ?? null
}
