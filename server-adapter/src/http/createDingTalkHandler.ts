import { createHash } from 'node:crypto'
import type { DingTalkAuthCore } from '../createDingTalkAuth'
import { DINGTALK_LOGIN_BASE } from '../dingtalk/DingTalkClient'
import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError, isDingTalkAuthError, pickLocale } from '../errors'
import type { DingTalkAuthLocale } from '../errors'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { DingTalkLoginResult } from '../login/DDInnerAuthSvc'
import { generateState, hashState, statesEqual } from '../login/state'
import { toBindingView } from '../login/toBindingView'
import { toDingTalkAuthError } from '../login/toDingTalkAuthError'
import { createSessionManager } from '../session/createSessionManager'
import type { SessionManager, SessionOptions } from '../session/createSessionManager'
import { createMemoryStateStore } from '../state/createMemoryStateStore'
import type { StateStore } from '../state/StateStore'
import { parseCookies, serializeCookie } from './cookies'
import { MAX_BODY_BYTES, readJsonBody } from './readJsonBody'
import { resolveReturnTo } from './returnTo'

/** The official `ddlogin.js` (dingtalk-protocol.md §2.2). */
export const DINGTALK_LOGIN_SCRIPT_SRC = 'https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js'

/** The default mount point of the HTTP routes. */
export const DEFAULT_BASE_PATH = '/api/auth/dingtalk'

/** Options of the HTTP layer (design.md §4.2, §4.3). */
export interface DingTalkHandlerOptions {
  /** Where the routes are mounted. @default '/api/auth/dingtalk' */
  basePath?: string
  /**
   * Login states, used codes, revoked sessions (and, through `createDingTalkAuth`, the app-token cache). Use a
   * Redis store when several processes serve logins. @default an in-memory store
   */
  stateStore?: StateStore
  /**
   * Built-in sessions: an HS256 JWT set as an HttpOnly cookie and returned in the login body (for WebViews that
   * drop cookies, send it back as `Authorization: Bearer`). Give this or `onLogin`.
   */
  session?: SessionOptions
  /**
   * Hands a successful login to the app's own sessions instead. Return a `Response` to answer with it (the
   * handler adds `Cache-Control: no-store`); return nothing to answer the login result as JSON (no `session`).
   */
  onLogin?: (result: DingTalkLoginResult, request: Request) => Awaitable<Response | void>
  /**
   * The app's public origin (`https://app.example.com`), used for `redirectUri`, same-origin checks and secure
   * cookies. @default the origin of each request (see `trustProxy`)
   */
  publicOrigin?: string
  /** Derive the request origin from `X-Forwarded-Proto` / `X-Forwarded-Host` (only behind a proxy you control). @default false */
  trustProxy?: boolean
  /**
   * Other origins whose pages may call the POST routes (their `Origin` is accepted; CORS with credentials is
   * answered for them). The app's own origin is always allowed. @default []
   */
  allowedOrigins?: readonly string[]
  /**
   * Where `GET /authorize?returnTo=` may send the browser after login: path prefixes on the app's own origin
   * (`'/admin'`) or absolute URL prefixes (`'https://admin.example.com/'`). @default ['/']
   */
  allowedReturnTo?: readonly string[]
  /** The instance `GET /config` and `/authorize` use when several exist and the request names none. */
  defaultInstance?: string
  /** Largest POST body, bytes. @default 16_384 */
  maxBodyBytes?: number
  /** Lifetime of a login state. @default 600_000 (10 minutes) */
  stateTtlMs?: number
  /** A repeat of a code from the same browser within this window gets the first result. @default 60_000 */
  codeReplayWindowMs?: number
  /**
   * Name of the state cookie (it holds a random browser nonce, never the state). On https it is sent as
   * `__Host-<name>` with `Path=/`. @default 'dingtalk_login_state'
   */
  stateCookieName?: string
  /** Clock, epoch ms. @default the core's clock */
  now?: () => number
}

/** A web-standard request handler with its mount point: what every framework adapter takes. */
export interface DingTalkHttpHandler {
  /** Answers every route of design.md §4.2; never throws. */
  handler(request: Request): Promise<Response>
  /** Where the routes are mounted, e.g. `/api/auth/dingtalk`. */
  readonly basePath: string
}

/** The handler plus what it owns. */
export interface DingTalkHandler extends DingTalkHttpHandler {
  /** The state store in use. */
  readonly stateStore: StateStore
}

/** The body of `GET /config`. */
export interface DingTalkPublicLoginConfig {
  appKey: string
  corpId?: string
  state: string
  redirectUri: string
  scope: string
  loginOrigin: string
  scriptSrc: string
}

/** A login result as the HTTP routes answer it (design.md §4.2). */
export interface DingTalkLoginResponse extends DingTalkLoginResult {
  /** Present with built-in sessions. `expiresAt` is epoch ms. */
  session?: { token: string; expiresAt: number }
}

interface StateRecord {
  /** Instance name. */
  i: string
  /** SHA-256 of the browser nonce held by the state cookie: binds the state to the browser it was issued to. */
  b?: string
  /** Validated returnTo (redirect login). */
  r?: string
}

interface CodeRecord {
  /** SHA-256 of the browser nonce (state cookie), or '' when the request had no browser binding (workbench). */
  b: string
  s: 'pending' | 'done'
  /** First use, epoch ms. */
  t: number
  r?: DingTalkLoginResult
  /** Where the first exchange redirected (redirect login), so a double callback goes to the same place. */
  u?: string
}

interface RequestContext {
  request: Request
  url: URL
  origin: string
  secure: boolean
  cookies: Map<string, string>
  locale: DingTalkAuthLocale
}

// Used-code records outlive any DingTalk code (protocol §4.5: 5 minutes), so a late replay is always recognised.
const CODE_RECORD_TTL_MS = 15 * 60_000
const CODE_WAIT_MS = 30_000
const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/
const QR_PLATFORMS = new Set(['web', 'mobile'])

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `api//auth/dingtalk/` → `/api/auth/dingtalk`. */
export function normalizeBasePath(path: string): string {
  const trimmed = `/${path}`.replace(/\/+/g, '/').replace(/\/$/, '')
  return trimmed === '' ? '/' : trimmed
}

function originOf(value: string, what: string): string {
  try {
    const url = new URL(value)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(url.protocol)
    return url.origin
  } catch (cause) {
    throw new DingTalkAuthError('config_error', { cause, detail: `${what}: expected an http(s) origin` })
  }
}

function badField(field: string, detail: string): DingTalkAuthError {
  return new DingTalkAuthError('invalid_request', { field, detail })
}

function optionalString(body: Record<string, unknown>, field: string, max = 512): string | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || value.length > max) throw badField(field, `${field} must be a string`)
  return value
}

function requiredString(body: Record<string, unknown>, field: string, max = 512): string {
  const value = optionalString(body, field, max)
  if (!value) throw badField(field, `${field} is required`)
  return value
}

/**
 * Creates the web-standard HTTP layer over a login core: `handler(Request) → Response` serving design.md §4.2
 * under `basePath`, keeping the §4.3 rules (single-use hashed states bound to a cookie, one exchange per code,
 * JSON-only bounded POST bodies, origin checks, `no-store`). Every error leaves through one mapping to
 * `{ error: { code, message, requestId? } }` with its status, in zh-CN or en by `Accept-Language`.
 *
 * @example
 * const auth = await createDingTalkAuth({ instances: './auths/loginTypes', store: 'memory' })
 * const { handler } = createDingTalkHandler(auth, { session: { secret: process.env.SESSION_SECRET! } })
 */
export function createDingTalkHandler(
  auth: DingTalkAuthCore,
  options: DingTalkHandlerOptions = {},
): DingTalkHandler {
  const now = options.now ?? auth.now
  const basePath = normalizeBasePath(options.basePath ?? DEFAULT_BASE_PATH)
  const stateStore = options.stateStore ?? createMemoryStateStore({ now })
  const sessions: SessionManager | null = options.session ? createSessionManager(options.session, now) : null
  if (!sessions && !options.onLogin) {
    throw new DingTalkAuthError('config_error', { detail: 'give `session: { secret }` or `onLogin`' })
  }
  const publicOrigin = options.publicOrigin ? originOf(options.publicOrigin, 'publicOrigin') : null
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((o) => originOf(o, 'allowedOrigins')))
  const allowedReturnTo = options.allowedReturnTo ?? ['/']
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
  const stateTtlMs = options.stateTtlMs ?? 600_000
  const replayWindowMs = options.codeReplayWindowMs ?? 60_000
  const stateCookie = options.stateCookieName ?? 'dingtalk_login_state'
  const loginBase = auth.settings.loginBase.replace(/\/+$/, '')
  const isRealDingTalk = loginBase === DINGTALK_LOGIN_BASE
  const loginOrigin = isRealDingTalk ? DINGTALK_LOGIN_BASE : originOf(loginBase, 'dingtalk.loginBase')
  const scriptSrc = isRealDingTalk ? DINGTALK_LOGIN_SCRIPT_SRC : `${loginBase}/ddlogin.js`
  const service = auth.service
  const log = auth.logger
  if (options.defaultInstance && !service.getAuthByName(options.defaultInstance)) {
    throw new DingTalkAuthError('config_error', { detail: 'defaultInstance names no configured instance' })
  }

  function contextOf(request: Request): RequestContext {
    const url = new URL(request.url)
    let origin = url.origin
    if (publicOrigin) origin = publicOrigin
    else if (options.trustProxy) {
      const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
      const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()
      if (proto === 'https' || proto === 'http' || host) {
        try {
          origin = new URL(
            `${proto === 'https' || proto === 'http' ? proto : url.protocol.slice(0, -1)}://${host ?? url.host}`,
          ).origin
        } catch {
          // A malformed forwarded header keeps the request's own origin.
        }
      }
    }
    return {
      request,
      url,
      origin,
      secure: origin.startsWith('https:'),
      cookies: parseCookies(request.headers.get('cookie')),
      locale: pickLocale(request.headers.get('accept-language')),
    }
  }

  function pickInstance(hints: URLSearchParams): DDInnerAuth {
    const corpId = hints.get('corpId') ?? undefined
    const instance = hints.get('instance') ?? undefined
    if (!corpId && !instance && options.defaultInstance)
      return service.pickInstance({ instance: options.defaultInstance })
    return service.pickInstance({ corpId, instance })
  }

  /**
   * On https the state cookie is `__Host-<name>` with `Path=/` and no Domain: the browser then accepts it only
   * from this exact origin over TLS, so a sibling subdomain cannot plant its own nonce (login CSRF).
   */
  function stateCookieNameOf(ctx: RequestContext): string {
    return ctx.secure && !/^__(Host|Secure)-/i.test(stateCookie) ? `__Host-${stateCookie}` : stateCookie
  }

  function stateCookieOf(ctx: RequestContext, nonce: string): string {
    const name = stateCookieNameOf(ctx)
    return serializeCookie(name, nonce, {
      path: name.startsWith('__Host-') ? '/' : basePath,
      maxAge: Math.ceil(stateTtlMs / 1000),
      secure: ctx.secure,
    })
  }

  /**
   * A fresh state plus a separate browser nonce. The state travels in URLs and bodies; only the nonce goes into
   * the HttpOnly cookie, and the store keeps hashes of both, so knowing the state (a logged callback URL) is not
   * enough to pass as the browser it was issued to.
   */
  async function issueState(
    ctx: RequestContext,
    record: Omit<StateRecord, 'b'>,
  ): Promise<{ state: string; cookie: string }> {
    const state = generateState()
    // One browser binding serves every login of this browser: a second tab, a second QR component or a
    // refresh adds a state bound to the same nonce instead of replacing the cookie the other states need.
    const present = ctx.cookies.get(stateCookieNameOf(ctx))
    const nonce = present && STATE_PATTERN.test(present) ? present : generateState()
    const stored: StateRecord = { ...record, b: hashState(nonce) }
    if (!(await stateStore.set(`state:${hashState(state)}`, JSON.stringify(stored), stateTtlMs, 'nx'))) {
      throw new DingTalkAuthError('server_error', { detail: 'state collision' })
    }
    return { state, cookie: stateCookieOf(ctx, nonce) }
  }

  /**
   * A well-formed state and this browser's nonce cookie. Returns the browser identity (the nonce's hash), which
   * `peekState` / `takeState` check against the state record and the code-replay window compares.
   */
  function requireCookieState(ctx: RequestContext, state: unknown): { state: string; browser: string } {
    if (typeof state !== 'string' || !STATE_PATTERN.test(state)) {
      throw new DingTalkAuthError('invalid_state', { detail: 'missing or malformed state' })
    }
    const cookie = ctx.cookies.get(stateCookieNameOf(ctx))
    if (!cookie || !STATE_PATTERN.test(cookie)) {
      throw new DingTalkAuthError('invalid_state', { detail: 'missing or malformed state cookie' })
    }
    return { state, browser: hashState(cookie) }
  }

  function checkStateRecord(raw: string | null, browser: string): StateRecord {
    if (raw === null)
      throw new DingTalkAuthError('invalid_state', { detail: 'unknown, expired or used state' })
    const record = JSON.parse(raw) as StateRecord
    if (typeof record.b !== 'string' || !statesEqual(record.b, browser)) {
      throw new DingTalkAuthError('invalid_state', { detail: 'state does not match the state cookie' })
    }
    return record
  }

  async function peekState(state: string, browser: string): Promise<StateRecord> {
    return checkStateRecord(await stateStore.get(`state:${hashState(state)}`), browser)
  }

  async function takeState(state: string, browser: string): Promise<StateRecord> {
    return checkStateRecord(await stateStore.take(`state:${hashState(state)}`), browser)
  }

  /**
   * Runs `login` at most once per code, across processes: the first request claims the code; a repeat from the
   * same browser within the replay window gets the first result (waiting for it if still running); any other
   * repeat is `code_invalid`. `check` validates without writing; `consume` runs once the claim is held.
   */
  async function exchangeOnce<T>(
    code: string,
    browser: string,
    check: () => Promise<T>,
    consume: (checked: T) => Promise<unknown>,
    login: (checked: T) => Promise<DingTalkLoginResult>,
    returnToOf: () => string | undefined = () => undefined,
  ): Promise<{ result: DingTalkLoginResult; replay: boolean; returnTo?: string }> {
    const key = `code:${sha256(code)}`
    for (;;) {
      const existing = await stateStore.get(key)
      if (existing !== null) return { ...(await replay(key, existing, browser)), replay: true }
      const checked = await check()
      const claim: CodeRecord = { b: browser, s: 'pending', t: now() }
      if (!(await stateStore.set(key, JSON.stringify(claim), CODE_RECORD_TTL_MS, 'nx'))) continue
      try {
        await consume(checked)
        const result = await login(checked)
        const returnTo = returnToOf()
        const done: CodeRecord = { ...claim, s: 'done', r: result, ...(returnTo ? { u: returnTo } : {}) }
        await stateStore.set(key, JSON.stringify(done), CODE_RECORD_TTL_MS, 'xx')
        return { result, replay: false, ...(returnTo ? { returnTo } : {}) }
      } catch (error) {
        // A failed exchange leaves nothing behind; DingTalk has burnt or refused the code anyway.
        await Promise.resolve(stateStore.delete(key)).catch(() => undefined)
        throw error
      }
    }
  }

  async function replay(
    key: string,
    raw: string,
    browser: string,
  ): Promise<{ result: DingTalkLoginResult; returnTo?: string }> {
    const deadline = Date.now() + CODE_WAIT_MS
    let record = JSON.parse(raw) as CodeRecord
    if (!browser || record.b !== browser || now() - record.t > replayWindowMs) {
      throw new DingTalkAuthError('code_invalid', { detail: 'the code was already used' })
    }
    while (record.s !== 'done' || !record.r) {
      if (Date.now() > deadline)
        throw new DingTalkAuthError('upstream_timeout', { detail: 'first exchange still running' })
      await sleep(25)
      const again = await stateStore.get(key)
      if (again === null)
        throw new DingTalkAuthError('code_invalid', { detail: 'the first exchange of the code failed' })
      record = JSON.parse(again) as CodeRecord
    }
    return { result: record.r, ...(record.u ? { returnTo: record.u } : {}) }
  }

  async function respondLogin(
    ctx: RequestContext,
    result: DingTalkLoginResult,
    redirectTo?: string,
  ): Promise<Response> {
    if (options.onLogin) {
      const custom = await options.onLogin(result, ctx.request)
      if (custom instanceof Response) return custom
    }
    const headers = new Headers()
    let body: DingTalkLoginResponse = result
    if (sessions && !options.onLogin) {
      const { token, claims } = await sessions.issue({
        userId: result.userId,
        bindingId: await bindingIdOf(result),
        corpId: result.binding.corpId,
        instance: result.instance,
      })
      headers.append(
        'set-cookie',
        serializeCookie(sessions.cookieName, token, {
          path: sessions.cookiePath,
          maxAge: sessions.maxAgeSeconds,
          secure: ctx.secure,
        }),
      )
      body = { ...result, session: { token, expiresAt: claims.expiresAt * 1000 } }
    }
    if (redirectTo) {
      headers.set('location', redirectTo)
      return new Response(null, { status: 302, headers })
    }
    return Response.json(body, { status: 200, headers })
  }

  async function bindingIdOf(result: DingTalkLoginResult): Promise<string> {
    const binding = await auth.store.findBinding({
      corpId: result.binding.corpId,
      dingUserId: result.binding.dingUserId,
    })
    if (!binding) throw new DingTalkAuthError('server_error', { detail: 'binding vanished after login' })
    return binding.id
  }

  /** Requests whose body was read to its end: an error answered for them may keep the connection open. */
  const bodyRead = new WeakSet<Request>()

  /** POST preconditions, all decided from headers before any byte of the body is read. */
  async function readPost(ctx: RequestContext, allowEmpty = false): Promise<Record<string, unknown>> {
    const origin = ctx.request.headers.get('origin')
    const body = await readJsonBody(ctx.request, {
      limit: maxBodyBytes,
      allowEmpty,
      beforeRead: () => {
        if (origin !== null && origin !== ctx.origin && !allowedOrigins.has(origin)) {
          throw badField('origin', 'the Origin of the request is not allowed')
        }
      },
    })
    bodyRead.add(ctx.request)
    return body
  }

  async function getConfig(ctx: RequestContext): Promise<Response> {
    const instance = pickInstance(ctx.url.searchParams)
    const { state, cookie } = await issueState(ctx, { i: instance.name })
    const config: DingTalkPublicLoginConfig = {
      appKey: instance.getLoginConfig().appKey,
      corpId: instance.corpId,
      state,
      redirectUri: `${ctx.origin}${basePath}/callback`,
      scope: auth.settings.scope,
      loginOrigin,
      scriptSrc,
    }
    return Response.json(config, { headers: { 'set-cookie': cookie } })
  }

  async function postQrLogin(ctx: RequestContext): Promise<Response> {
    const body = await readPost(ctx)
    const code = requiredString(body, 'code')
    if (body.state !== undefined && body.state !== null && typeof body.state !== 'string') {
      throw badField('state', 'state must be a string')
    }
    const platform = optionalString(body, 'platform', 16) ?? 'web'
    if (!QR_PLATFORMS.has(platform)) throw badField('platform', 'platform must be "web" or "mobile"')
    const { state, browser } = requireCookieState(ctx, body.state)
    const { result } = await exchangeOnce(
      code,
      browser,
      () => peekState(state, browser),
      () => takeState(state, browser),
      (record) => service.loginByQrCode({ code, platform, instance: record.i, signal: ctx.request.signal }),
    )
    return respondLogin(ctx, result)
  }

  async function postWorkbenchLogin(ctx: RequestContext): Promise<Response> {
    const body = await readPost(ctx)
    const corpId = requiredString(body, 'corpId', 128)
    const authCode = requiredString(body, 'authCode')
    const platform = optionalString(body, 'platform', 32)
    if (!service.getAuthByCorpId(corpId))
      throw new DingTalkAuthError('unknown_corp', { detail: 'no instance for this corpId' })
    // No cookie proves which browser a workbench request comes from, so every repeat of a code is refused.
    const { result } = await exchangeOnce(
      authCode,
      '',
      async () => undefined,
      async () => undefined,
      () =>
        service.loginByWorkbench({
          corpId,
          authCode,
          ...(platform ? { platform } : {}),
          signal: ctx.request.signal,
        }),
    )
    return respondLogin(ctx, result)
  }

  async function getAuthorize(ctx: RequestContext): Promise<Response> {
    const params = ctx.url.searchParams
    const returnTo = resolveReturnTo(params.get('returnTo'), ctx.origin, allowedReturnTo)
    const instance = pickInstance(params)
    const { state, cookie } = await issueState(ctx, { i: instance.name, r: returnTo })
    const location = instance.getClient().createAuthorizationUrl({
      redirectUri: `${ctx.origin}${basePath}/callback`,
      state,
      scope: auth.settings.scope,
      ...(auth.settings.scope.split(/\s+/).includes('corpid') ? { corpId: instance.corpId } : {}),
    })
    return new Response(null, {
      status: 302,
      headers: { location: location.href, 'set-cookie': cookie },
    })
  }

  async function getCallback(ctx: RequestContext): Promise<Response> {
    const params = ctx.url.searchParams
    const { state, browser } = requireCookieState(ctx, params.get('state'))
    // DingTalk: the official docs name the parameter authCode; production also sends code (protocol §2.1).
    const code = params.get('authCode') || params.get('code')
    if (!code) {
      throw new DingTalkAuthError('code_invalid', {
        detail: params.has('error') ? 'the user did not authorise the login' : 'no authCode in the callback',
      })
    }
    let returnTo = new URL('/', ctx.origin).href
    const exchanged = await exchangeOnce(
      code,
      browser,
      () => peekState(state, browser),
      async () => {
        returnTo = (await takeState(state, browser)).r ?? returnTo
      },
      (record) =>
        service.loginByQrCode({ code, platform: 'web', instance: record.i, signal: ctx.request.signal }),
      () => returnTo,
    )
    // A double callback gets the first exchange's returnTo along with its result.
    return respondLogin(ctx, exchanged.result, exchanged.returnTo ?? returnTo)
  }

  function tokenOf(ctx: RequestContext): string | null {
    const authorization = ctx.request.headers.get('authorization')
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null
    if (match?.[1]) return match[1]
    return sessions ? (ctx.cookies.get(sessions.cookieName) ?? null) : null
  }

  async function getSession(ctx: RequestContext): Promise<Response> {
    const unauthenticated = () => new DingTalkAuthError('code_invalid', { detail: 'no valid session' })
    const token = tokenOf(ctx)
    const claims = sessions && token ? await sessions.verify(token) : null
    if (!claims || (await stateStore.get(`revoked:${claims.sessionId}`)) !== null) throw unauthenticated()
    const binding = await auth.store.findBinding({ id: claims.bindingId })
    if (!binding || binding.userId !== claims.userId) throw unauthenticated()
    const local = await auth.store.findUser(binding.userId)
    return Response.json({
      user: { id: binding.userId, name: local?.name ?? binding.name, avatar: local?.avatar ?? binding.photo },
      binding: toBindingView(binding),
    })
  }

  async function postLogout(ctx: RequestContext): Promise<Response> {
    await readPost(ctx, true)
    const headers = new Headers()
    if (sessions) {
      const token = tokenOf(ctx)
      const claims = token ? await sessions.verify(token) : null
      if (claims) {
        const left = claims.expiresAt * 1000 - now()
        if (left > 0) await stateStore.set(`revoked:${claims.sessionId}`, '1', left)
      }
      headers.append(
        'set-cookie',
        serializeCookie(sessions.cookieName, '', {
          path: sessions.cookiePath,
          maxAge: 0,
          secure: ctx.secure,
        }),
      )
    }
    return new Response(null, { status: 204, headers })
  }

  const routes: Record<string, (ctx: RequestContext) => Promise<Response>> = {
    'GET /config': getConfig,
    'POST /login/qr': postQrLogin,
    'POST /login/workbench': postWorkbenchLogin,
    'GET /authorize': getAuthorize,
    'GET /callback': getCallback,
    'GET /session': getSession,
    'POST /logout': postLogout,
  }

  function route(ctx: RequestContext): Promise<Response> {
    const path = ctx.url.pathname
    const sub = basePath === '/' ? path : path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : null
    const method = ctx.request.method.toUpperCase()
    if (sub !== null && method === 'OPTIONS') return Promise.resolve(new Response(null, { status: 204 }))
    const handle = sub === null ? undefined : routes[`${method} ${sub.replace(/\/+$/, '') || '/'}`]
    if (!handle) {
      const known = sub !== null && Object.keys(routes).some((r) => r.endsWith(` ${sub}`))
      throw known ? badField('method', `${method} is not allowed here`) : badField('path', 'no such route')
    }
    return handle(ctx)
  }

  function errorResponse(error: unknown, ctx: RequestContext | null): Response {
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
    if (mapped.code === 'payload_too_large' || (request?.body && !bodyRead.has(request))) {
      headers.set('connection', 'close')
    }
    return Response.json(mapped.toJSON(ctx?.locale ?? 'en'), { status: mapped.status, headers })
  }

  function finish(response: Response, ctx: RequestContext | null): Response {
    const headers = response.headers
    headers.set('cache-control', 'no-store')
    headers.set('x-content-type-options', 'nosniff')
    const origin = ctx?.request.headers.get('origin')
    if (origin && allowedOrigins.has(origin)) {
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

  async function handler(request: Request): Promise<Response> {
    let ctx: RequestContext | null = null
    let response: Response
    try {
      ctx = contextOf(request)
      response = await route(ctx)
    } catch (error) {
      response = errorResponse(error, ctx)
    }
    try {
      return finish(response, ctx)
    } catch {
      // A Response built by onLogin may have immutable headers (Response.redirect): copy it.
      return finish(new Response(response.body, response), ctx)
    }
  }

  return { handler, basePath, stateStore }
}
