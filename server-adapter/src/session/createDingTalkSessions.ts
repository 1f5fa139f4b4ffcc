import type { BindingStore } from '../store/BindingStore'
import type { SessionClaims } from './createSessionManager'
import type { SessionIndex, SessionRecord } from './sessionIndex'

/** A DingTalk person in a corp: by unionId or by the corp's userid. */
export type DingTalkBindingRef = { corpId: string; unionId: string } | { corpId: string; dingUserId: string }

/**
 * The session index of the built-in sessions. Revocation is written to the state store and read by every
 * check (`GET /session`, `verify`, `getSession`, the guards), so it holds in every process from the next request.
 */
export interface DingTalkSessions {
  /** The claims of a valid, unrevoked token, or `null` (also when built-in sessions are off). */
  verify(token: string): Promise<SessionClaims | null>
  /** The live sessions of a local user, or of a DingTalk person in a corp, oldest first. */
  list(owner: { userId: string } | DingTalkBindingRef): Promise<SessionRecord[]>
  /** Ends every session of a local user (all corps). Resolves how many listed sessions were ended. */
  revokeUser(userId: string): Promise<number>
  /**
   * Ends every session of a DingTalk person in a corp, e.g. when they leave it. Resolves how many listed sessions
   * were ended (0 when the person has no binding).
   */
  revokeBinding(person: DingTalkBindingRef): Promise<number>
}

/** What {@link createDingTalkSessions} works on. */
export interface DingTalkSessionsInput {
  store: BindingStore
  index: SessionIndex
  /** Checks a token's signature and revocation; `null` when built-in sessions are off. */
  verifier: { verify(token: string): Promise<SessionClaims | null> } | null
}

/** {@link DingTalkSessions} on a session index: a DingTalk person is found by their binding. */
export function createDingTalkSessions({ store, index, verifier }: DingTalkSessionsInput): DingTalkSessions {
  const bindingIdOf = async (person: DingTalkBindingRef) => {
    const binding = await store.findBinding(
      'unionId' in person
        ? { corpId: person.corpId, unionId: person.unionId }
        : { corpId: person.corpId, dingUserId: person.dingUserId },
    )
    return binding?.id ?? null
  }
  return {
    verify: async (token) => (verifier ? verifier.verify(token) : null),
    async list(owner) {
      if ('userId' in owner) return index.list({ userId: owner.userId })
      const bindingId = await bindingIdOf(owner)
      return bindingId ? index.list({ bindingId }) : []
    },
    revokeUser: (userId) => index.revoke({ userId }),
    async revokeBinding(person) {
      const bindingId = await bindingIdOf(person)
      return bindingId ? index.revoke({ bindingId }) : 0
    },
  }
}
