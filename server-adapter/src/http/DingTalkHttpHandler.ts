import type { DingTalkSessionView } from './wire'

/** A web-standard request handler with its mount point: what every framework adapter takes. */
export interface DingTalkHttpHandler {
  /** Answers every route of the HTTP contract; never throws. */
  handler(request: Request): Promise<Response>
  /** Where the routes are mounted, e.g. `/api/auth/dingtalk`. */
  readonly basePath: string
}

/** What the session guards of the adapters take: anything that reads a request's session. */
export interface DingTalkSessionSource {
  /**
   * The signed-in person of a request (session cookie or `Authorization: Bearer`), or `null` when there is no
   * valid session: none, tampered, expired, logged out or revoked. Reads the state store every time, so a
   * revocation in another process counts at once.
   */
  getSession(request: Request): Promise<DingTalkSessionView | null>
}
