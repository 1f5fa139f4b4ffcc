import { createStore } from 'zustand/vanilla'
import type { StoreApi } from 'zustand/vanilla'
import type { DingTalkLoginError } from './DingTalkLoginError'
import { fetchSession, logout } from './createDingTalkLoginClient'
import type { DingTalkLoginClientOptions } from './createDingTalkLoginClient'
import type { DingTalkBinding, DingTalkSession, DingTalkUser } from './types'

/** Whether the browser has a session: `loading` until `GET /session` first answered. */
export type SessionStatus = 'loading' | 'authenticated' | 'unauthenticated'

/** The signed-in user as `GET {endpoint}/session` tells it, shared by everything below one provider. */
export interface SessionState {
  status: SessionStatus
  /** The local user while `authenticated`, else `null`. */
  user: DingTalkUser | null
  /** The DingTalk account while `authenticated`, else `null`. */
  binding: DingTalkBinding | null
  /**
   * The last failure of `GET /session` (not a 401, which is `unauthenticated`) or `POST /logout`; `null` after the
   * next success. A failed refresh keeps the status it had (unless it was `loading`: then `unauthenticated`).
   */
  error: DingTalkLoginError | null
  /** Fetches `GET /session` once, unless fetched or fetching already: what `useDingTalkSession` does on mount. */
  load(): void
  /** Fetches `GET /session` again; an answer to an older request is ignored. Never rejects. */
  refresh(): Promise<void>
  /** After a login: refreshes, when anything ever asked for the session (else nothing to update). */
  refreshAfterLogin(): void
  /** `POST /logout`, then `unauthenticated` for every consumer. Rejects with the failure, changing nothing else. */
  logout(): Promise<void>
}

/** A store created by {@link createSessionStore}. */
export type SessionStore = StoreApi<SessionState>

const SIGNED_OUT = { status: 'unauthenticated', user: null, binding: null, error: null } as const

/**
 * The session of one provider: `GET /session` on first use, again after every login, and `POST /logout`. The
 * backend options are read at each call. Nothing runs at creation, so it is safe during server rendering.
 */
export function createSessionStore(getOptions: () => DingTalkLoginClientOptions = () => ({})): SessionStore {
  // Bumped by every request, so that only the answer to the latest one is applied.
  let latestRequest = 0
  let loaded = false

  return createStore<SessionState>((set, get) => {
    const apply = (requestId: number, session: DingTalkSession | null) => {
      if (requestId !== latestRequest) return
      set(
        session
          ? { status: 'authenticated', user: session.user, binding: session.binding, error: null }
          : SIGNED_OUT,
      )
    }

    const refresh = async () => {
      loaded = true
      const requestId = ++latestRequest
      try {
        apply(requestId, await fetchSession(getOptions()))
      } catch (error) {
        if (requestId !== latestRequest) return
        const { status } = get()
        // The client's calls reject with a DingTalkLoginError only.
        set({ status: status === 'loading' ? 'unauthenticated' : status, error: error as DingTalkLoginError })
      }
    }

    return {
      status: 'loading',
      user: null,
      binding: null,
      error: null,
      load: () => {
        if (!loaded) void refresh()
      },
      refresh,
      refreshAfterLogin: () => {
        if (loaded) void refresh()
      },
      logout: async () => {
        try {
          await logout(getOptions())
        } catch (error) {
          // A DingTalkLoginError, like every failure of the client's calls.
          set({ error: error as DingTalkLoginError })
          throw error
        }
        loaded = true
        // The session is gone, whatever a refresh still in flight answers.
        latestRequest++
        set(SIGNED_OUT)
      },
    }
  })
}
