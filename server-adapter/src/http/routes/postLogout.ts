import type { Route } from '../HttpRuntime'
import { readPost } from '../readPost'
import { serializeSessionCookie, sessionTokenOf } from '../sessionCookie'

/** `POST /logout`: revokes the session (everywhere, at once) and ends the browser binding. */
export const postLogout: Route = async (runtime, ctx) => {
  await readPost(ctx, runtime.settings, { allowEmpty: true })
  const headers = new Headers()
  headers.append('set-cookie', runtime.loginStates.clearCookie(ctx))
  const { sessions } = runtime
  if (sessions) {
    const token = sessionTokenOf(ctx.request.headers, ctx.cookies, sessions, ctx.secure)
    const claims = token ? await sessions.verify(token) : null
    if (claims) await sessions.index.revokeSession(claims)
    headers.append(
      'set-cookie',
      serializeSessionCookie(sessions, '', { secure: ctx.secure, maxAgeSeconds: 0 }),
    )
  }
  return new Response(null, { status: 204, headers })
}
