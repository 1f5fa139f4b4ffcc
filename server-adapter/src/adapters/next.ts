import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError, isDingTalkAuthError, pickLocale } from '../errors'
import type { DingTalkHttpHandler, DingTalkSessionSource } from '../http/DingTalkHttpHandler'
import { forwardedEntry } from '../http/forwardedHeaders'
import type { DingTalkSessionView } from '../http/wire'

/** Route handlers of a Next.js App Router route. */
export interface NextJsRouteHandlers {
  GET(request: Request): Promise<Response>
  POST(request: Request): Promise<Response>
  OPTIONS(request: Request): Promise<Response>
}

/** A handler, or a function that creates one on the first request (e.g. `() => createDingTalkAuth({ … })`). */
export type NextJsAuthSource = DingTalkHttpHandler | (() => Awaitable<DingTalkHttpHandler>)

/** What lazily created logins became: one per factory, shared by the route handlers and the session helpers. */
const createdBy = new WeakMap<() => unknown, Promise<unknown>>()

/** The login a factory creates, created once; a failed creation is forgotten so the next call tries again. */
function created<T>(create: () => Awaitable<T>): Promise<T> {
  let pending = createdBy.get(create) as Promise<T> | undefined
  if (!pending) {
    pending = Promise.resolve().then(create)
    createdBy.set(create, pending)
    pending.catch(() => createdBy.delete(create))
  }
  return pending
}

/**
 * Creates the handler on the first request and keeps it: `next build` imports route modules to collect their
 * configuration, so anything created at import time (a SQLite file, a pool, a Redis connection) would be created at
 * build time. A failed creation is answered as a JSON error and tried again on the next request.
 */
function lazyHandler(create: () => Awaitable<DingTalkHttpHandler>): (request: Request) => Promise<Response> {
  return async (request) => {
    let auth: DingTalkHttpHandler
    try {
      auth = await created(create)
    } catch (error) {
      const failure = isDingTalkAuthError(error)
        ? error
        : new DingTalkAuthError('config_error', {
            cause: error,
            detail: 'creating the DingTalk login failed',
          })
      // The developer needs the cause (a config error names file, field and fix); the response never carries it.
      console.error(`dingtalk-login-server: ${failure.message}`)
      return Response.json(failure.toJSON('en'), {
        status: failure.status,
        headers: { 'cache-control': 'no-store' },
      })
    }
    return auth.handler(request)
  }
}

/**
 * Next.js App Router handlers: in `app/api/auth/dingtalk/[...route]/route.ts`,
 * `export const { GET, POST, OPTIONS } = toNextJsHandler(() => createDingTalkAuth({ … }))`. Given a function, the
 * login is created on the first request, never while `next build` imports the route; a ready `auth` works too.
 * Next's request is already a web `Request`.
 */
export function toNextJsHandler(auth: NextJsAuthSource): NextJsRouteHandlers {
  const handle = typeof auth === 'function' ? lazyHandler(auth) : (request: Request) => auth.handler(request)
  return { GET: handle, POST: handle, OPTIONS: handle }
}

/** What `headers()` of `next/headers` returns (read-only). */
export interface NextHeadersLike {
  get(name: string): string | null
}

/** What `cookies()` of `next/headers` returns (read-only). */
export interface NextCookiesLike {
  getAll(): { name: string; value: string }[]
}

/**
 * Where the helpers find the login: the `auth` itself, or the same factory given to {@link toNextJsHandler}
 * (the login it creates once is shared, so a logout through the routes counts here at once).
 */
export type DingTalkSessionSourceInput = DingTalkSessionSource | (() => Awaitable<DingTalkSessionSource>)

async function sourceOf(input: DingTalkSessionSourceInput): Promise<DingTalkSessionSource> {
  return typeof input === 'function' ? created(input) : input
}

function isCookieStore(input: object): input is NextCookiesLike {
  return typeof (input as NextCookiesLike).getAll === 'function'
}

/**
 * Whether cookies of a cookie store, which tells no scheme, are read as set over plain http. A plain-named session
 * cookie on an https site may have been planted by a sibling subdomain (only `__Host-` cookies are the app's own),
 * so it counts only under `next dev` (`NODE_ENV=development`, which serves http://localhost) and only when no
 * `__Host-` cookie says the page is on https. Otherwise the request is https; the handler's `publicOrigin`, when
 * set, decides over this URL either way (`http://…` reads the plain name in production too).
 */
function isPlainHttpDev(cookies: readonly { name: string }[]): boolean {
  return process.env.NODE_ENV === 'development' && !cookies.some(({ name }) => name.startsWith('__Host-'))
}

/** A bodiless web Request carrying what identifies the session: cookies, `Authorization`, origin headers. */
function toRequest(input: Request | NextHeadersLike | NextCookiesLike): Request {
  if (input instanceof Request) return input
  if (isCookieStore(input)) {
    const cookies = input.getAll()
    const cookie = cookies.map(({ name, value }) => `${name}=${value}`).join('; ')
    return new Request(isPlainHttpDev(cookies) ? 'http://localhost/' : 'https://localhost/', {
      headers: { cookie },
    })
  }
  const headers = new Headers()
  for (const name of [
    'cookie',
    'authorization',
    'x-forwarded-proto',
    'x-forwarded-host',
    'accept-language',
  ]) {
    const value = input.get(name)
    if (value !== null) headers.set(name, value)
  }
  // Next.js (or the nearest proxy) appends its entry to what a client may have sent: read the last one.
  const host = forwardedEntry(headers, 'x-forwarded-host', 1) ?? input.get('host') ?? 'localhost'
  const proto = forwardedEntry(headers, 'x-forwarded-proto', 1) === 'https' ? 'https' : 'http'
  return new Request(`${proto}://${host}/`, { headers })
}

/**
 * The signed-in person in a Next.js route handler or server component, or `null`:
 * `await getDingTalkSession(auth, request)` in a route handler, `await getDingTalkSession(auth, await cookies())`
 * (or `await headers()`) in a server component. Checked against the state store on every call, so a logout or
 * revocation counts at once.
 *
 * `cookies()` tells no scheme: with `http.publicOrigin` set, its scheme decides; without it only the `__Host-`
 * session cookie of https is read, except under `next dev` (plain http://localhost). An app served over plain http
 * in production sets `publicOrigin: 'http://…'` or passes `await headers()`.
 */
export async function getDingTalkSession(
  auth: DingTalkSessionSourceInput,
  input: Request | NextHeadersLike | NextCookiesLike,
): Promise<DingTalkSessionView | null> {
  return (await sourceOf(auth)).getSession(toRequest(input))
}

/**
 * Wraps a route handler so it runs only for signed-in people (the person is its second argument); anyone else
 * gets `401 { error: { code: 'unauthenticated' } }`.
 *
 * @example
 * export const GET = withDingTalkSession(auth, async (request, session) => Response.json(session.user))
 */
export function withDingTalkSession<Rest extends unknown[]>(
  auth: DingTalkSessionSourceInput,
  handler: (request: Request, session: DingTalkSessionView, ...rest: Rest) => Response | Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  return async (request, ...rest) => {
    const session = await getDingTalkSession(auth, request)
    if (!session) {
      const error = new DingTalkAuthError('unauthenticated')
      return Response.json(error.toJSON(pickLocale(request.headers.get('accept-language'))), {
        status: error.status,
        headers: { 'cache-control': 'no-store' },
      })
    }
    return handler(request, session, ...rest)
  }
}
