import { DingTalkAuthError } from '../../errors'
import { readSession } from '../../session/readSession'
import type { Route } from '../HttpRuntime'
import { sessionTokenOf } from '../sessionCookie'
import type { DingTalkSessionView } from '../wire'

/** `GET /session`: the signed-in person, or `unauthenticated` (401). */
export const getSession: Route = async (runtime, ctx) => {
  const { sessions } = runtime
  const token = sessions ? sessionTokenOf(ctx.request.headers, ctx.cookies, sessions, ctx.secure) : null
  const active = sessions ? await readSession(sessions, runtime.core.store, token) : null
  if (!active) throw new DingTalkAuthError('unauthenticated', { detail: 'no valid session' })
  const view: DingTalkSessionView = { user: active.user, binding: active.binding }
  return Response.json(view)
}
