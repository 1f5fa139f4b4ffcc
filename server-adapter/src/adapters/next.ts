import type { DingTalkHttpHandler } from '../http/createDingTalkHandler'
import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError, isDingTalkAuthError } from '../errors'

/** Route handlers of a Next.js App Router route. */
export interface NextJsRouteHandlers {
  GET(request: Request): Promise<Response>
  POST(request: Request): Promise<Response>
  OPTIONS(request: Request): Promise<Response>
}

/** A handler, or a function that creates one on the first request (e.g. `() => createDingTalkAuth({ … })`). */
export type NextJsAuthSource = DingTalkHttpHandler | (() => Awaitable<DingTalkHttpHandler>)

/**
 * Creates the handler on the first request and keeps it: `next build` imports route modules to collect their
 * configuration, so anything created at import time (a SQLite file, a pool, a Redis connection) would be created at
 * build time. A failed creation is answered as a JSON error and tried again on the next request.
 */
function lazyHandler(create: () => Awaitable<DingTalkHttpHandler>): (request: Request) => Promise<Response> {
  let pending: Promise<DingTalkHttpHandler> | undefined
  return async (request) => {
    pending ??= Promise.resolve().then(create)
    let auth: DingTalkHttpHandler
    try {
      auth = await pending
    } catch (error) {
      pending = undefined
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
