import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express'
import type { DingTalkHttpHandler, DingTalkSessionSource } from '../http/DingTalkHttpHandler'
import type { DingTalkSessionView } from '../http/wire'
import {
  clientDisconnectSignal,
  getNodeSession,
  handleNodeRequest,
  unauthenticatedBody,
  writeNodeResponse,
} from './node'

/**
 * Express middleware serving the routes under `auth.basePath` (other paths go to `next()`), with or without a
 * body parser in front: `app.use(toExpressHandler(auth))`. Errors go to `next(err)`.
 */
export function toExpressHandler(
  auth: DingTalkHttpHandler,
): (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => void {
  const prefix = auth.basePath === '/' ? '/' : `${auth.basePath}/`
  return (req, res, next) => {
    const url = req.originalUrl || req.url
    if (!url.startsWith(prefix)) return next()
    handleNodeRequest(auth, req, { url, body: req.body as unknown, signal: clientDisconnectSignal(res) })
      .then((response) => writeNodeResponse(res, response))
      .catch(next)
  }
}

/** The signed-in person of an Express request, or `null` (no, expired, logged-out or revoked session). */
export function getDingTalkSession(
  auth: DingTalkSessionSource,
  req: ExpressRequest,
): Promise<DingTalkSessionView | null> {
  return getNodeSession(auth, req, req.originalUrl || req.url)
}

/**
 * Express middleware that lets only signed-in people through: the person is in `res.locals.dingtalkSession`;
 * anyone else gets `401 { error: { code: 'unauthenticated' } }`.
 *
 * @example
 * app.get('/api/me', requireDingTalkSession(auth), (req, res) => res.json(res.locals.dingtalkSession.user))
 */
export function requireDingTalkSession(
  auth: DingTalkSessionSource,
): (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => void {
  return (req, res, next) => {
    getDingTalkSession(auth, req)
      .then((session) => {
        if (!session) {
          const { status, body } = unauthenticatedBody(req.headers['accept-language'])
          res.status(status).set('cache-control', 'no-store').json(body)
          return
        }
        res.locals.dingtalkSession = session
        next()
      })
      .catch(next)
  }
}
