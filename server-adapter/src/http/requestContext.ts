import { pickLocale } from '../errors'
import type { DingTalkAuthLocale } from '../errors'
import { parseCookies } from './cookies'
import { forwardedEntry } from './forwardedHeaders'

/** One request as the routes see it. */
export interface RequestContext {
  request: Request
  url: URL
  /** The app's origin for this request: `publicOrigin`, else the request's (forwarded with `trustProxy`). */
  origin: string
  /** Whether `origin` is https: then cookies are `__Host-` and Secure. */
  secure: boolean
  cookies: Map<string, string>
  locale: DingTalkAuthLocale
}

/** How the app's origin is found. */
export interface OriginSettings {
  publicOrigin: string | null
  /** The proxies whose `X-Forwarded-Proto` / `-Host` entries are read (0: the request URL's origin). */
  trustedProxies: number
}

/** The app's origin for a request: `publicOrigin`, else the request URL's, forwarded headers with `trustProxy`. */
export function appOriginOf(request: Request, url: URL, settings: OriginSettings): string {
  if (settings.publicOrigin) return settings.publicOrigin
  if (settings.trustedProxies === 0) return url.origin
  const proto = forwardedEntry(request.headers, 'x-forwarded-proto', settings.trustedProxies)
  const host = forwardedEntry(request.headers, 'x-forwarded-host', settings.trustedProxies)
  if (proto !== 'https' && proto !== 'http' && !host) return url.origin
  try {
    const scheme = proto === 'https' || proto === 'http' ? proto : url.protocol.slice(0, -1)
    return new URL(`${scheme}://${host ?? url.host}`).origin
  } catch {
    // A malformed forwarded header keeps the request's own origin.
    return url.origin
  }
}

export function createRequestContext(request: Request, settings: OriginSettings): RequestContext {
  const url = new URL(request.url)
  const origin = appOriginOf(request, url, settings)
  return {
    request,
    url,
    origin,
    secure: origin.startsWith('https:'),
    cookies: parseCookies(request.headers.get('cookie')),
    locale: pickLocale(request.headers.get('accept-language')),
  }
}

/**
 * On https a cookie is `__Host-<name>` with `Path=/` and no Domain: the browser then accepts it only from this
 * exact origin over TLS, so a sibling subdomain cannot plant one that wins. On http the plain name.
 */
export function hostCookieName(name: string, secure: boolean): string {
  return secure && !/^__(Host|Secure)-/i.test(name) ? `__Host-${name}` : name
}
