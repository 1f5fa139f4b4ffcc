import type { Middleware } from 'koa'
import type { DingTalkHttpHandler } from '../http/createDingTalkHandler'
import { toWebRequest } from './node'

/**
 * Koa middleware serving the routes under `auth.basePath` (other paths go to `next()`), with or without a body
 * parser in front (`ctx.request.body` is used when present): `app.use(toKoaHandler(auth))`.
 */
export function toKoaHandler(auth: DingTalkHttpHandler): Middleware {
  const prefix = auth.basePath === '/' ? '/' : `${auth.basePath}/`
  return async (ctx, next) => {
    if (!ctx.originalUrl.startsWith(prefix)) return next()
    const parsed = (ctx.request as { body?: unknown }).body
    const response = await auth.handler(toWebRequest(ctx.req, { url: ctx.originalUrl, body: parsed }))
    ctx.status = response.status
    for (const [name, value] of response.headers) if (name !== 'set-cookie') ctx.set(name, value)
    const cookies = response.headers.getSetCookie()
    if (cookies.length > 0) ctx.set('set-cookie', cookies)
    // Assigning `null` would make Koa turn a bodiless 302 into 204: only a real body is assigned.
    if (response.body) ctx.body = Buffer.from(await response.arrayBuffer())
  }
}
