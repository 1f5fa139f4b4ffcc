import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { DingTalkHttpHandler, DingTalkSessionSource } from '../http/DingTalkHttpHandler'
import type { DingTalkSessionView } from '../http/wire'
import { clientDisconnectSignal, getNodeSession, handleNodeRequest, unauthenticatedBody } from './node'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, set by the `requireDingTalkSession` preHandler (`null` before it ran). */
    dingtalkSession: DingTalkSessionView | null
  }
}

/**
 * A Fastify route handler, for a route you declare yourself:
 * `app.all('/api/auth/dingtalk/*', toFastifyHandler(auth))`. Fastify's own parsers run first there (its JSON
 * body is used as parsed), and they answer some malformed requests in Fastify's format; prefer
 * {@link toFastifyPlugin}, which keeps every answer in this package's contract.
 */
export function toFastifyHandler(
  auth: DingTalkHttpHandler,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  return async (request, reply) => {
    const response = await handleNodeRequest(auth, request.raw, {
      url: request.url,
      body: request.body,
      signal: clientDisconnectSignal(reply.raw),
    })
    reply.code(response.status)
    for (const [name, value] of response.headers) if (name !== 'set-cookie') reply.header(name, value)
    const cookies = response.headers.getSetCookie()
    if (cookies.length > 0) reply.header('set-cookie', cookies)
    return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null)
  }
}

/**
 * A Fastify plugin declaring every route under `auth.basePath`, with Fastify's body parsers switched off inside
 * it, so the handler itself enforces the media type, the 16 KB limit and JSON parsing: `await
 * app.register(toFastifyPlugin(auth))`.
 */
export function toFastifyPlugin(auth: DingTalkHttpHandler): (instance: FastifyInstance) => Promise<void> {
  const handler = toFastifyHandler(auth)
  return async (instance) => {
    instance.removeAllContentTypeParsers()
    // Leave the stream unread: the handler reads at most the body limit from it.
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))
    instance.all(auth.basePath === '/' ? '/*' : `${auth.basePath}/*`, handler)
  }
}

/**
 * A Fastify `preHandler` that lets only signed-in people through: the person is `request.dingtalkSession`;
 * anyone else gets `401 { error: { code: 'unauthenticated' } }`. Call {@link decorateDingTalkSession} once on
 * the root instance first.
 *
 * @example
 * decorateDingTalkSession(app)
 * app.get('/api/me', { preHandler: requireDingTalkSession(auth) }, (request) => request.dingtalkSession!.user)
 */
export function requireDingTalkSession(
  auth: DingTalkSessionSource,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const session = await getNodeSession(auth, request.raw, request.url)
    if (!session) {
      const { status, body } = unauthenticatedBody(request.headers['accept-language'])
      await reply.code(status).header('cache-control', 'no-store').send(body)
      return
    }
    request.dingtalkSession = session
  }
}

/** Declares `request.dingtalkSession` (initially `null`) on a Fastify instance, as Fastify wants decorations. */
export function decorateDingTalkSession(instance: FastifyInstance): void {
  if (!instance.hasRequestDecorator('dingtalkSession')) instance.decorateRequest('dingtalkSession', null)
}
