import { randomBytes } from 'node:crypto'

/** Lifecycle of a QR login: shown → scanned on the phone → approved or refused; or expired before that. */
export type QrSessionStatus = 'pending' | 'scanned' | 'approved' | 'refused' | 'expired'

/** One QR code shown by `/oauth2/auth` (iframe or full page) and what happened to it. */
export interface QrSession {
  id: string
  mode: 'iframe' | 'page'
  clientId: string
  /** The decoded `redirect_uri`. */
  redirectUri: string
  state: string | undefined
  scope: string
  corpId: string | undefined
  orgType: string | undefined
  exclusiveCorpId: string | undefined
  createdAt: number
  expiresAt: number
  status: QrSessionStatus
  /** unionId of the user who scanned. */
  scannedBy: string | undefined
  /** Where the login ends: the iframe posts it, the full page navigates to it. Set once approved or refused. */
  redirectUrl: string | undefined
  /** Set when refused. */
  error: { errorCode: number; errorMsg: string } | undefined
  /** When the QR page last polled the session (real time, `performance.now()`); undefined until it first does. */
  polledAt: number | undefined
}

export interface QrSessionStore {
  create(
    fields: Omit<
      QrSession,
      'id' | 'createdAt' | 'expiresAt' | 'status' | 'scannedBy' | 'redirectUrl' | 'error' | 'polledAt'
    >,
  ): QrSession
  get(id: unknown): QrSession | undefined
  /** The QR page polled the session: its tab is still open. */
  markPolled(id: unknown): void
  /** Sessions still waiting for a scan or a confirmation, newest first. */
  pending(clientId?: string): QrSession[]
  clear(): void
}

/**
 * @param now - the emulator clock (QR lifetime)
 * @param ttlMs - QR lifetime
 * @param pageGoneAfterMs - how long a page that polled may stay silent before its tab counts as closed
 * @param realNow - real time for that: closing a tab has nothing to do with the emulator clock
 */
export function createQrSessionStore(
  now: () => number,
  ttlMs: () => number,
  pageGoneAfterMs: () => number = () => 15_000,
  realNow: () => number = () => performance.now(),
): QrSessionStore {
  const sessions = new Map<string, QrSession>()
  const refresh = (s: QrSession) => {
    if (s.status !== 'pending' && s.status !== 'scanned') return s
    // A page that polled and then went quiet was closed (or navigated away): its QR can no longer be shown, so it
    // expires instead of lingering in the phone page's list. Sessions never polled (a test driving the login
    // over plain HTTP) keep the QR lifetime only.
    const pageGone = s.polledAt !== undefined && realNow() - s.polledAt > pageGoneAfterMs()
    if (now() >= s.expiresAt || pageGone) s.status = 'expired'
    return s
  }
  return {
    create(fields) {
      const createdAt = now()
      const session: QrSession = {
        ...fields,
        id: randomBytes(12).toString('hex'),
        createdAt,
        expiresAt: createdAt + ttlMs(),
        status: 'pending',
        scannedBy: undefined,
        redirectUrl: undefined,
        error: undefined,
        polledAt: undefined,
      }
      sessions.set(session.id, session)
      // Old, finished sessions are of no use to anyone; keep memory bounded for long-running demos.
      if (sessions.size > 1000) {
        for (const [id, s] of sessions) {
          if (refresh(s).status !== 'pending' && s.status !== 'scanned') sessions.delete(id)
          if (sessions.size <= 500) break
        }
      }
      return session
    },
    get: (id) => {
      const s = typeof id === 'string' ? sessions.get(id) : undefined
      return s && refresh(s)
    },
    markPolled(id) {
      const s = typeof id === 'string' ? sessions.get(id) : undefined
      // An expired session stays expired: the page reloads and gets a new one.
      if (s && refresh(s).status !== 'expired') s.polledAt = realNow()
    },
    pending: (clientId) =>
      [...sessions.values()]
        .map(refresh)
        .filter(
          (s) => (s.status === 'pending' || s.status === 'scanned') && (!clientId || s.clientId === clientId),
        )
        .sort((a, b) => b.createdAt - a.createdAt),
    clear: () => sessions.clear(),
  }
}
