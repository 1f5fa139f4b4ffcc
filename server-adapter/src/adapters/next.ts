import type { DingTalkHttpHandler } from '../http/createDingTalkHandler'

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
