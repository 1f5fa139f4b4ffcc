import type { Logger } from '../logger'
import type { RequestContext } from './requestContext'

/**
 * Warns once per origin pair when the page calling `GET /config` is on another origin than the `redirectUri`
 * handed out: typical of a dev proxy (page on :5173, server on :3000), where DingTalk would send the browser
 * back to the server's origin instead of the page's.
 */
export function createOriginWarning(
  logger: Logger,
  allowedOrigins: ReadonlySet<string>,
): (ctx: RequestContext, redirectUri: string) => void {
  const warned = new Set<string>()
  return (ctx, redirectUri) => {
    const page = pageOriginOf(ctx.request)
    if (!page || page === ctx.origin || allowedOrigins.has(page)) return
    const pair = `${page} ${ctx.origin}`
    if (warned.has(pair) || warned.size >= 100) return
    warned.add(pair)
    logger.warn(
      {
        pageOrigin: page,
        redirectUriOrigin: ctx.origin,
        fix: `set publicOrigin: '${page}' (or trustProxy: true behind a proxy that sends X-Forwarded-Host), and register ${page}/… as the redirect URL in DingTalk`,
      },
      `dingtalk login: the page at ${page} gets redirectUri ${redirectUri}, which is on another origin (${ctx.origin}): after the login DingTalk would open ${ctx.origin}, not the page. Behind a dev proxy or reverse proxy set publicOrigin`,
    )
  }
}

function pageOriginOf(request: Request): string | null {
  const origin = request.headers.get('origin')
  const candidate = origin && origin !== 'null' ? origin : request.headers.get('referer')
  if (!candidate) return null
  try {
    const url = new URL(candidate)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null
  } catch {
    return null
  }
}
