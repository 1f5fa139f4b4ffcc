import type { DingTalkLoginBinding, DingTalkLoginResult } from '../login/loginResult'
import { toBindingView } from '../login/toBindingView'
import type { BindingStore } from '../store/BindingStore'
import { isVacatedUserId } from '../store/vacatedUserId'
import type { SessionClaims, SessionManager } from './createSessionManager'

/** A verified, unrevoked session with the person behind it. */
export interface ActiveSession {
  user: DingTalkLoginResult['user']
  binding: DingTalkLoginBinding
  claims: SessionClaims
}

/**
 * Reads the person behind a session token: a valid, unrevoked token whose binding still exists for the same
 * local user and still holds a userid (not vacated: see `vacatedUserIdOf`). Every call reads the stores: nothing
 * is cached beyond it.
 */
export async function readSession(
  sessions: SessionManager,
  store: BindingStore,
  token: string | null,
): Promise<ActiveSession | null> {
  const claims = token ? await sessions.verify(token) : null
  if (!claims) return null
  const binding = await store.findBinding({ id: claims.bindingId })
  if (!binding || binding.userId !== claims.userId) return null
  // DingTalk handed the person's userid to someone else, which it does only after they left the corp.
  if (isVacatedUserId(binding.thirdUserId)) return null
  const local = await store.findUser(binding.userId)
  return {
    user: { id: binding.userId, name: local?.name ?? binding.name, avatar: local?.avatar ?? binding.photo },
    binding: toBindingView(binding),
    claims,
  }
}
