import type { Middleware } from 'koa'
import type { DingTalkHttpHandler, DingTalkSessionSource } from '../http/DingTalkHttpHandler'
import type { DingTalkSessionView } from '../http/wire'
import { clientDisconnectSignal, getNodeSession, handleNodeRequest, unauthenticatedBody } from './node'

/**
 * Koa middleware serving the routes under `auth.basePath` (other paths go to `next()`), with or without a body
 * parser in front (`ctx.request.body` is used when present): `app.use(toKoaHandler(auth))`.
 */
export function toKoaHandler(auth: DingTalkHttpHandler): Middleware {
  const prefix = auth.basePath === '/' ? '/' : `${auth.basePath}/`
  return async (ctx, next) => {
    if (!ctx.originalUrl.startsWith(prefix)) return next()
    const parsed = (ctx.request as { body?: unknown }).body
    const response = await handleNodeRequest(auth, ctx.req, {
      url: ctx.originalUrl,
      body: parsed,
      signal: clientDisconnectSignal(ctx.res),
    })
    ctx.status = response.status
    for (const [name, value] of response.headers) if (name !== 'set-cookie') ctx.set(name, value)
    const cookies = response.headers.getSetCookie()
    if (cookies.length > 0) ctx.set('set-cookie', cookies)
    // Assigning `null` would make Koa turn a bodiless 302 into 204: only a real body is assigned.
    if (response.body) ctx.body = Buffer.from(await response.arrayBuffer())
  }
}

/** The state {@link requireDingTalkSession} sets: `ctx.state.dingtalkSession`. */
export interface DingTalkSessionState {
  dingtalkSession: DingTalkSessionView
}

/**
 * Koa middleware that lets only signed-in people through: the person is in `ctx.state.dingtalkSession`; anyone
 * else gets `401 { error: { code: 'unauthenticated' } }`.
 *
 * @example
 * router.get('/api/me', requireDingTalkSession(auth), (ctx) => { ctx.body = ctx.state.dingtalkSession.user })
 */
export function requireDingTalkSession(auth: DingTalkSessionSource): Middleware<DingTalkSessionState> {
  return async (ctx, next) => {
    const session = await getNodeSession(auth, ctx.req, ctx.originalUrl)
    if (!session) {
      const { status, body } = unauthenticatedBody(ctx.get('accept-language'))
      ctx.status = status
      ctx.set('cache-control', 'no-store')
      ctx.body = body
      return
    }
    ctx.state.dingtalkSession = session
    await next()
  }
}
