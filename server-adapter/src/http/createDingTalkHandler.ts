import type { DingTalkAuthCore } from '../DingTalkAuthCore'
import { DingTalkAuthError } from '../errors'
import { readSession } from '../session/readSession'
import { createSessionManager } from '../session/createSessionManager'
import type { SessionManager } from '../session/createSessionManager'
import { createMemoryStateStore } from '../state/createMemoryStateStore'
import type { StateStore } from '../state/StateStore'
import { parseCookies } from './cookies'
import type { DingTalkHttpHandler, DingTalkSessionSource } from './DingTalkHttpHandler'
import { resolveHandlerOptions } from './handlerOptions'
import type { DingTalkHandlerOptions } from './handlerOptions'
import type { HttpRuntime, Route } from './HttpRuntime'
import { createLoginStates } from './loginStates'
import { createOriginWarning } from './originWarning'
import { createRateLimiter } from './rateLimiter'
import { badField } from './readPost'
import { appOriginOf, createRequestContext } from './requestContext'
import type { RequestContext } from './requestContext'
import { errorResponse, finishResponse } from './responses'
import { getAuthorize } from './routes/getAuthorize'
import { getCallback } from './routes/getCallback'
import { getConfig } from './routes/getConfig'
import { getSession } from './routes/getSession'
import { postEvents } from './routes/postEvents'
import { postLogout } from './routes/postLogout'
import { postQrLogin } from './routes/postQrLogin'
import { postWorkbenchLogin } from './routes/postWorkbenchLogin'
import { sessionTokenOf } from './sessionCookie'

/** The HTTP contract: method and path under `basePath` → route. */
const ROUTES: Readonly<Record<string, Route>> = {
  'GET /config': getConfig,
  'POST /login/qr': postQrLogin,
  'POST /login/workbench': postWorkbenchLogin,
  'GET /authorize': getAuthorize,
  'GET /callback': getCallback,
  'GET /session': getSession,
  'POST /logout': postLogout,
  'POST /events': postEvents,
}

/** The routes that finish no login, served without `session` or `onLogin` too. */
const ROUTES_WITHOUT_LOGIN: ReadonlySet<Route> = new Set([postEvents])

/** The handler plus what it owns. */
export interface DingTalkHandler extends DingTalkHttpHandler, DingTalkSessionSource {
  /** The state store in use. */
  readonly stateStore: StateStore
  /** The built-in sessions, or `null` when logins go to `onLogin`. */
  readonly sessions: SessionManager | null
}

/**
 * Creates the web-standard HTTP layer over a login core: `handler(Request) → Response` serving the routes under
 * `basePath`, keeping the rules (single-use hashed states bound to the browser, one exchange per code, JSON-only
 * bounded POST bodies, origin checks, `no-store`). Every error leaves through one mapping to
 * `{ error: { code, message, requestId? } }` with its status, in zh-CN or en by `Accept-Language`.
 *
 * @example
 * const auth = await createDingTalkAuth({ instances: './auths/loginTypes', store: 'memory' })
 * const { handler } = createDingTalkHandler(auth, { session: { secret: process.env.SESSION_SECRET! } })
 */
export function createDingTalkHandler(
  core: DingTalkAuthCore,
  options: DingTalkHandlerOptions = {},
): DingTalkHandler {
  const settings = resolveHandlerOptions(core, options)
  // The core's own store (`auth.stateStore`) holds what its directory and `auth.sessions` revoke: a private one
  // would leave this handler's sessions out of every revocation.
  const stateStore = options.stateStore ?? core.stateStore ?? createMemoryStateStore({ now: settings.now })
  const sessions = options.session
    ? createSessionManager({ ...options.session, stateStore, now: settings.now })
    : null
  const servesLogins = Boolean(sessions || options.onLogin)
  const callbacks = options.directory?.receivesCallbacks ? options.directory : null
  if (!servesLogins && !callbacks) {
    throw new DingTalkAuthError('config_error', { detail: 'give `session: { secret }` or `onLogin`' })
  }
  const runtime: HttpRuntime = {
    core,
    settings,
    stateStore,
    sessions,
    onLogin: options.onLogin ?? null,
    callbacks,
    loginStates: createLoginStates(stateStore, settings),
    rateLimiter: createRateLimiter(options.rateLimit, {
      now: settings.now,
      trustedProxies: settings.trustedProxies,
    }),
    warnOriginMismatch: createOriginWarning(core.logger, settings.allowedOrigins),
  }

  function route(ctx: RequestContext): Promise<Response> {
    const { basePath } = settings
    const path = ctx.url.pathname
    const sub = basePath === '/' ? path : path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : null
    const method = ctx.request.method.toUpperCase()
    if (sub !== null && method === 'OPTIONS') return Promise.resolve(new Response(null, { status: 204 }))
    const handle = sub === null ? undefined : ROUTES[`${method} ${sub.replace(/\/+$/, '') || '/'}`]
    if (!handle) {
      const known = sub !== null && Object.keys(ROUTES).some((r) => r.endsWith(` ${sub}`))
      throw known ? badField('method', `${method} is not allowed here`) : badField('path', 'no such route')
    }
    if (!servesLogins && !ROUTES_WITHOUT_LOGIN.has(handle)) {
      throw new DingTalkAuthError('config_error', {
        detail: 'the login routes need `session: { secret }` or `onLogin` in the options',
      })
    }
    return handle(runtime, ctx)
  }

  async function handler(request: Request): Promise<Response> {
    let ctx: RequestContext | null = null
    let response: Response
    try {
      ctx = createRequestContext(request, settings)
      response = await route(ctx)
    } catch (error) {
      response = errorResponse(error, ctx, core.logger)
    }
    try {
      return finishResponse(response, ctx, settings)
    } catch {
      // A Response built by onLogin may have immutable headers (Response.redirect): copy it.
      return finishResponse(new Response(response.body, response), ctx, settings)
    }
  }

  async function getSessionOf(request: Request) {
    if (!sessions) return null
    const url = new URL(request.url)
    const secure = appOriginOf(request, url, settings).startsWith('https:')
    const token = sessionTokenOf(
      request.headers,
      parseCookies(request.headers.get('cookie')),
      sessions,
      secure,
    )
    const active = await readSession(sessions, core.store, token)
    return active ? { user: active.user, binding: active.binding } : null
  }

  return { handler, basePath: settings.basePath, stateStore, sessions, getSession: getSessionOf }
}
