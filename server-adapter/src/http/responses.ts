import { isDingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import { toDingTalkAuthError } from '../login/toDingTalkAuthError'
import type { HandlerSettings } from './handlerOptions'
import { wasBodyRead } from './readPost'
import type { RequestContext } from './requestContext'

/** The one mapping of every error to `{ error: { code, message, … } }` with its status, logged once. */
export function errorResponse(error: unknown, ctx: RequestContext | null, log: Logger): Response {
  const mapped = isDingTalkAuthError(error) ? error : toDingTalkAuthError(error)
  const entry = {
    route: ctx ? `${ctx.request.method} ${ctx.url.pathname}` : undefined,
    // Not `code`: the masker hides values under code-like keys, and this stable code must stay readable.
    errorCode: mapped.code,
    err: mapped,
  }
  if (mapped.status >= 500) log.error(entry, 'dingtalk login request failed')
  else log.debug(entry, 'dingtalk login request refused')
  const headers = new Headers()
  // A body left unread (refused from its headers: 415, Origin, size, route) or read only in part (oversized):
  // closing the connection is what makes answering before the rest arrives safe.
  const request = ctx?.request
  if (mapped.code === 'payload_too_large' || (request?.body && !wasBodyRead(request))) {
    headers.set('connection', 'close')
  }
  if (mapped.code === 'rate_limited') headers.set('retry-after', '60')
  return Response.json(mapped.toJSON(ctx?.locale ?? 'en'), { status: mapped.status, headers })
}

/** Headers every answer gets: no caching, no sniffing, CORS for the allowed origins. */
export function finishResponse(
  response: Response,
  ctx: RequestContext | null,
  settings: HandlerSettings,
): Response {
  const headers = response.headers
  headers.set('cache-control', 'no-store')
  headers.set('x-content-type-options', 'nosniff')
  const origin = ctx?.request.headers.get('origin')
  if (origin && settings.allowedOrigins.has(origin)) {
    headers.set('access-control-allow-origin', origin)
    headers.set('access-control-allow-credentials', 'true')
    headers.append('vary', 'Origin')
    if (ctx?.request.method === 'OPTIONS') {
      headers.set('access-control-allow-methods', 'GET, POST')
      headers.set('access-control-allow-headers', 'content-type, authorization')
      headers.set('access-control-max-age', '600')
    }
  }
  return response
}
