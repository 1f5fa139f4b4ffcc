import type { Context, MiddlewareHandler } from 'hono'
import type { DingTalkHttpHandler, DingTalkSessionSource } from '../http/DingTalkHttpHandler'
import type { DingTalkSessionView } from '../http/wire'
import { DingTalkAuthError, pickLocale } from '../errors'

/**
 * A Hono handler: `app.all('/api/auth/dingtalk/*', toHonoHandler(auth))`. Hono's request is already a web
 * `Request` (with the client-disconnect signal of its server); if a middleware read the body first, it is taken
 * from Hono's body cache.
 */
export function toHonoHandler(auth: DingTalkHttpHandler): (c: Context) => Promise<Response> {
  return async (c) => {
    const raw = c.req.raw
    if (!raw.bodyUsed) return auth.handler(raw)
    return auth.handler(
      new Request(raw.url, {
        method: raw.method,
        headers: raw.headers,
        body: await c.req.arrayBuffer(),
        signal: raw.signal,
      }),
    )
  }
}

/** The variables {@link requireDingTalkSession} sets: `c.get('dingtalkSession')`. */
export interface DingTalkSessionVariables {
  dingtalkSession: DingTalkSessionView
}

/**
 * Hono middleware that lets only signed-in people through: the person is `c.get('dingtalkSession')`; anyone else
 * gets `401 { error: { code: 'unauthenticated' } }`.
 *
 * @example
 * app.get('/api/me', requireDingTalkSession(auth), (c) => c.json(c.get('dingtalkSession').user))
 */
export function requireDingTalkSession(
  auth: DingTalkSessionSource,
): MiddlewareHandler<{ Variables: DingTalkSessionVariables }> {
  return async (c, next) => {
    const session = await auth.getSession(c.req.raw)
    if (!session) {
      const error = new DingTalkAuthError('unauthenticated')
      return c.json(error.toJSON(pickLocale(c.req.header('accept-language'))), 401, {
        'cache-control': 'no-store',
      })
    }
    c.set('dingtalkSession', session)
    await next()
  }
}
