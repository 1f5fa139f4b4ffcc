import { DingTalkAuthError } from '../errors'
import type { DingTalkLoginResult } from '../login/loginResult'
import type { SessionClaims } from '../session/createSessionManager'
import type { LoginOutcome } from './exchangeOnce'
import type { HttpRuntime } from './HttpRuntime'
import type { RequestContext } from './requestContext'
import { serializeSessionCookie, sessionTokenOf } from './sessionCookie'
import type { DingTalkLoginResponse } from './wire'

/**
 * Starts the built-in session of a login (recorded in the session index), unless the host uses `onLogin`. The
 * session is dated from `loginStartedAt`: a leave processed while DingTalk was still being asked revoked the
 * person's sessions up to a moment after it, so it ends this one too.
 */
export async function startSession(
  runtime: HttpRuntime,
  result: DingTalkLoginResult,
  loginStartedAt: number,
): Promise<LoginOutcome> {
  const { sessions } = runtime
  if (!sessions || runtime.onLogin) return { result }
  // By unionId, the person's identity: a userid can change hands.
  const binding = await runtime.core.store.findBinding({
    corpId: result.binding.corpId,
    unionId: result.binding.unionId,
  })
  if (!binding) throw new DingTalkAuthError('server_error', { detail: 'binding vanished after login' })
  const { claims } = await sessions.issue(
    {
      userId: result.userId,
      bindingId: binding.id,
      corpId: result.binding.corpId,
      instance: result.instance,
    },
    { unionId: result.binding.unionId, dingUserId: result.binding.dingUserId },
    { since: loginStartedAt },
  )
  return { result, session: claims }
}

/** The session id a request presents (cookie or Bearer), verified, or `null`. */
export async function presentedSessionIdOf(
  runtime: HttpRuntime,
  ctx: RequestContext,
): Promise<string | null> {
  if (!runtime.sessions) return null
  const token = sessionTokenOf(ctx.request.headers, ctx.cookies, runtime.sessions, ctx.secure)
  return token ? ((await runtime.sessions.verify(token))?.sessionId ?? null) : null
}

/** Whether a session has ended (logout, revocation). */
export function isSessionRevoked(runtime: HttpRuntime, session: SessionClaims): Promise<boolean> {
  return runtime.sessions ? runtime.sessions.index.isRevoked(session) : Promise.resolve(false)
}

/**
 * Answers a login: hands it to `onLogin`, or sets the session cookie and answers the result with its session
 * (a replay gets the very same token). The browser binding stays: other tabs and QR components of this browser
 * still wait on states bound to it. A callback reopened from history after a logout is refused all the same,
 * because a replay only gets the first outcome while that outcome's session is alive (see `exchangeOnce`), and
 * logout ends both the session and the binding.
 */
export async function respondLogin(
  runtime: HttpRuntime,
  ctx: RequestContext,
  outcome: LoginOutcome,
  redirectTo?: string,
): Promise<Response> {
  if (runtime.onLogin) {
    const custom = await runtime.onLogin(outcome.result, ctx.request)
    if (custom instanceof Response) return custom
  }
  const headers = new Headers()
  let body: DingTalkLoginResponse = outcome.result
  if (runtime.sessions && outcome.session) {
    const token = await runtime.sessions.sign(outcome.session)
    const maxAgeSeconds = outcome.session.expiresAt - Math.floor(runtime.settings.now() / 1000)
    headers.append(
      'set-cookie',
      serializeSessionCookie(runtime.sessions, token, { secure: ctx.secure, maxAgeSeconds }),
    )
    body = { ...outcome.result, session: { token, expiresAt: outcome.session.expiresAt * 1000 } }
  }
  if (redirectTo) {
    headers.set('location', redirectTo)
    return new Response(null, { status: 302, headers })
  }
  return Response.json(body, { status: 200, headers })
}
