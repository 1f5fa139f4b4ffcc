import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { DingTalkAuthError, isDingTalkAuthError, pickLocale } from '../errors'
import { rememberClientAddress } from '../http/clientAddress'
import type { DingTalkHttpHandler, DingTalkSessionSource } from '../http/DingTalkHttpHandler'
import type { DingTalkSessionView } from '../http/wire'

/** Options of {@link toWebRequest}. */
export interface ToWebRequestOptions {
  /** The request target when the host rewrote `req.url` (Express `originalUrl`, Koa `ctx.originalUrl`). @default req.url */
  url?: string
  /**
   * The body the host already parsed (`req.body`), if any: a string or bytes are sent as they are, anything else
   * as JSON. It is used only when the host really read the stream; otherwise (`undefined`, or a placeholder such
   * as the `{}` some parsers set without reading) the raw request is streamed, and a request that had no body
   * gets none.
   */
  body?: unknown
  /** Aborts the web request (e.g. when the client goes away). */
  signal?: AbortSignal
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS'])

function hasRawBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  if (length !== undefined) return length !== '0'
  // HTTP/2 frames a body without Content-Length; HTTP/1.1 needs one or Transfer-Encoding.
  return req.headers['transfer-encoding'] !== undefined || req.httpVersionMajor >= 2
}

/** Whether something before us read the request stream (body-parser marks `req._body`). */
function streamConsumed(req: IncomingMessage): boolean {
  return req.readableEnded || req.readableDidRead || (req as { _body?: unknown })._body === true
}

function notThisApp(detail: string): DingTalkAuthError {
  return new DingTalkAuthError('invalid_request', { field: 'path', detail })
}

/**
 * The URL of a Node request: the socket's protocol, the `Host` header and the path of the request target, so the
 * origin is always this server's. A target that is not a path is refused (`invalid_request`, field `path`): `new
 * URL(target, base)` would read `//evil.example/…` as another host, and absolute-form (`http://evil.example/…`,
 * what only a proxy is sent) and `*` name none of this app's routes. So is a `Host` that is not a bare host[:port].
 */
function requestUrlOf(req: IncomingMessage, target: string = req.url ?? '/'): URL {
  if (!target.startsWith('/') || target.startsWith('//')) throw notThisApp('the request target is not a path')
  const protocol = (req.socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http'
  let origin: URL
  try {
    origin = new URL(`${protocol}://${req.headers.host ?? 'localhost'}`)
  } catch (cause) {
    throw new DingTalkAuthError('invalid_request', { field: 'path', detail: 'malformed Host header', cause })
  }
  if (origin.pathname !== '/' || origin.username || origin.password || origin.search || origin.hash) {
    throw notThisApp('malformed Host header')
  }
  // Appended, not resolved: whatever the path holds, it cannot change the origin.
  return new URL(`${origin.origin}${target}`)
}

/**
 * Translates a Node request into a web `Request`: the URL from the socket's protocol, `Host` and the path of the
 * request target ({@link requestUrlOf}: throws `invalid_request` when the target is not a path); the headers; the
 * body from `options.body` when the host parsed it already, else the raw stream, which the handler reads only as
 * far as it needs.
 */
export function toWebRequest(req: IncomingMessage, options: ToWebRequestOptions = {}): Request {
  const url = requestUrlOf(req, options.url)
  const method = (req.method ?? 'GET').toUpperCase()
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue
    headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers }
  if (options.signal) init.signal = options.signal
  // A request that came without a body never gets one, whatever placeholder the host attached.
  if (!BODYLESS.has(method) && hasRawBody(req)) {
    if (options.body !== undefined && options.body !== null && streamConsumed(req)) {
      const parsed = options.body
      // The host read the stream already: what it parsed is re-encoded, so the declared length no longer holds.
      headers.delete('content-length')
      headers.delete('transfer-encoding')
      init.body =
        typeof parsed === 'string' || parsed instanceof Uint8Array
          ? (parsed as string | Uint8Array<ArrayBuffer>)
          : JSON.stringify(parsed)
    } else if (!streamConsumed(req)) {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>
      init.duplex = 'half'
    }
  }
  const request = new Request(url, init)
  rememberClientAddress(request, req.socket?.remoteAddress)
  return request
}

/** Aborts when the client goes away before the answer is written, so the login stops its DingTalk calls. */
export function clientDisconnectSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController()
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client disconnected'))
  })
  return controller.signal
}

/**
 * A bodiless web `Request` with the URL and headers of a Node request: enough to read its session. Throws
 * `invalid_request` when the target is not a path ({@link requestUrlOf}).
 */
export function toSessionRequest(req: IncomingMessage, url?: string): Request {
  const target = requestUrlOf(req, url)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue
    headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  return new Request(target, { headers })
}

/** The `unauthenticated` (401) answer of the session guards, in the request's language. */
export function unauthenticatedBody(acceptLanguage: string | null | undefined): {
  status: number
  body: ReturnType<DingTalkAuthError['toJSON']>
} {
  const error = new DingTalkAuthError('unauthenticated')
  return { status: error.status, body: error.toJSON(pickLocale(acceptLanguage)) }
}

/** The session of a Node request, or `null` (also for a request whose target is not a path of this server). */
export async function getNodeSession(
  auth: DingTalkSessionSource,
  req: IncomingMessage,
  url?: string,
): Promise<DingTalkSessionView | null> {
  let request: Request
  try {
    request = toSessionRequest(req, url)
  } catch (error) {
    if (isDingTalkAuthError(error)) return null
    throw error
  }
  return auth.getSession(request)
}

/**
 * Hands a Node request to the handler and resolves its answer; a request whose target or `Host` names no URL of
 * this server ({@link requestUrlOf}) is answered `invalid_request` (400) in the handler's format without reaching it.
 */
export async function handleNodeRequest(
  auth: DingTalkHttpHandler,
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
): Promise<Response> {
  let request: Request
  try {
    request = toWebRequest(req, options)
  } catch (error) {
    if (!isDingTalkAuthError(error)) throw error
    return Response.json(error.toJSON(pickLocale(req.headers['accept-language'])), {
      status: error.status,
      headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    })
  }
  return auth.handler(request)
}

/** Writes a web `Response` to a Node response: status, headers (every `Set-Cookie` kept apart), body. */
export async function writeNodeResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null
  if (body) res.setHeader('content-length', body.byteLength)
  res.end(body ?? undefined)
}

/**
 * A `node:http` request listener serving the routes (`http.createServer(toNodeHandler(auth))`). If the host
 * read the stream and attached a parsed `req.body`, that is used instead of the stream.
 */
export function toNodeHandler(
  auth: DingTalkHttpHandler,
): (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const response = await handleNodeRequest(auth, req, {
        body: req.body,
        signal: clientDisconnectSignal(res),
      })
      await writeNodeResponse(res, response)
    } catch {
      // Only a request Node let through but a web Request refuses gets here (the handler itself never throws).
      if (!res.headersSent) {
        res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        res.end(JSON.stringify({ error: { code: 'invalid_request', message: 'The request is invalid' } }))
      } else res.destroy()
    }
  }
}
