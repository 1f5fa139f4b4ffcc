import { useEffect } from 'react'
import { useStore } from 'zustand'
import type { DingTalkBinding, DingTalkLoginError, DingTalkUser, SessionStatus } from '../core'
import { useDingTalkLoginSettings } from './DingTalkLoginProvider'

/** What {@link useDingTalkSession} returns. */
export interface UseDingTalkSessionResult {
  /** `loading` until `GET /session` first answered (and during server rendering). */
  status: SessionStatus
  /** The local user while `authenticated`, else `null`. */
  user: DingTalkUser | null
  /** The DingTalk account while `authenticated`, else `null`. */
  binding: DingTalkBinding | null
  /** The last failure of `GET /session` (a 401 is `unauthenticated`, not an error) or of `logout`. */
  error: DingTalkLoginError | null
  /** Asks `GET /session` again, e.g. after the app changed the session itself. Never rejects. */
  refresh: () => Promise<void>
  /** `POST /logout`, then every consumer of the provider is `unauthenticated`. Rejects when the backend fails. */
  logout: () => Promise<void>
}

/**
 * The signed-in user from the backend's `GET {endpoint}/session`, shared by every consumer below the same
 * `DingTalkLoginProvider`: fetched once when first used, again after a login in any login component of the
 * provider, and signed out for all of them by `logout()`. Server rendering and hydration see `loading`.
 *
 * @example
 * ```tsx
 * const { status, user, logout } = useDingTalkSession()
 * if (status === 'authenticated') return <button onClick={() => void logout()}>{user?.name} · Sign out</button>
 * ```
 */
export function useDingTalkSession(): UseDingTalkSessionResult {
  const { session } = useDingTalkLoginSettings()
  if (!session) {
    throw new Error('useDingTalkSession() needs a <DingTalkLoginProvider> above it, which keeps the session')
  }
  useEffect(() => session.getState().load(), [session])
  const { status, user, binding, error, refresh, logout } = useStore(session)
  return { status, user, binding, error, refresh, logout }
}
