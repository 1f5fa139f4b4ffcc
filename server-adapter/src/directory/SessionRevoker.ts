import type { Awaitable } from '../dingtalk/tokenCache'

/**
 * Ends every live session of one binding, in every process that shares the state store. What a leaver's
 * sessions go through: the cookie, a Bearer token, the adapters' guards and `verify` all refuse afterwards.
 */
export interface SessionRevoker {
  /** Revokes every session issued for the binding so far; resolves how many were live, when known. */
  revokeBinding(bindingId: string): Awaitable<number | void>
}
