import type { Context } from 'hono'
import type { DingTalkHttpHandler } from '../http/createDingTalkHandler'

/**
 * A Hono handler: `app.all('/api/auth/dingtalk/*', toHonoHandler(auth))`. Hono's request is already a web
 * `Request`; if a middleware read the body first, it is taken from Hono's body cache.
 */
export function toHonoHandler(auth: DingTalkHttpHandler): (c: Context) => Promise<Response> {
  return async (c) => {
    const raw = c.req.raw
    if (!raw.bodyUsed) return auth.handler(raw)
    return auth.handler(
      new Request(raw.url, { method: raw.method, headers: raw.headers, body: await c.req.arrayBuffer() }),
    )
  }
}
