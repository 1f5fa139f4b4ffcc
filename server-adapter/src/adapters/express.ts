import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express'
import type { DingTalkHttpHandler } from '../http/createDingTalkHandler'
import { toWebRequest, writeNodeResponse } from './node'

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
    auth
      .handler(toWebRequest(req, { url, body: req.body as unknown }))
      .then((response) => writeNodeResponse(res, response))
      .catch(next)
  }
}
