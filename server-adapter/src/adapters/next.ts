import { DingTalkAuthError, pickLocale } from '../errors'
import type { DingTalkHttpHandler, DingTalkSessionSource } from '../http/DingTalkHttpHandler'
import type { DingTalkSessionView } from '../http/wire'

/** Route handlers of a Next.js App Router route. */
export interface NextJsRouteHandlers {
  GET(request: Request): Promise<Response>
  POST(request: Request): Promise<Response>
  OPTIONS(request: Request): Promise<Response>
}

/**
 * Next.js App Router handlers: in `app/api/auth/dingtalk/[...route]/route.ts`,
 * `export const { GET, POST, OPTIONS } = toNextJsHandler(auth)`. Next's request is already a web `Request`.
 */
export function toNextJsHandler(auth: DingTalkHttpHandler): NextJsRouteHandlers {
  const handle = (request: Request) => auth.handler(request)
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

/** Where the auth comes from: the auth itself, or a (lazy) function or promise that gives it. */
export type DingTalkSessionSourceInput =
  | DingTalkSessionSource
  | Promise<DingTalkSessionSource>
  | (() => DingTalkSessionSource | Promise<DingTalkSessionSource>)

async function sourceOf(input: DingTalkSessionSourceInput): Promise<DingTalkSessionSource> {
  return typeof input === 'function' ? input() : input
}

function isCookieStore(input: object): input is NextCookiesLike {
  return typeof (input as NextCookiesLike).getAll === 'function'
}

/** A bodiless web Request carrying what identifies the session: cookies, `Authorization`, origin headers. */
function toRequest(input: Request | NextHeadersLike | NextCookiesLike): Request {
  if (input instanceof Request) return input
  if (isCookieStore(input)) {
    const cookies = input.getAll()
    const cookie = cookies.map(({ name, value }) => `${name}=${value}`).join('; ')
    // A __Host- cookie reached the app only over https: read the session on the same scheme it was set on.
    const secure = cookies.some(({ name }) => name.startsWith('__Host-'))
    return new Request(secure ? 'https://localhost/' : 'http://localhost/', { headers: { cookie } })
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
  const host = input.get('x-forwarded-host') ?? input.get('host') ?? 'localhost'
  const proto = input.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https' ? 'https' : 'http'
  return new Request(`${proto}://${host}/`, { headers })
}

/**
 * The signed-in person in a Next.js route handler or server component, or `null`:
 * `await getDingTalkSession(auth, request)` in a route handler, `await getDingTalkSession(auth, await cookies())`
 * (or `await headers()`) in a server component. Checked against the state store on every call, so a logout or
 * revocation counts at once.
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
