import { createContext, useContext, useMemo, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { createSessionStore } from '../core'
import type { DingTalkLocale, DingTalkLoginClientOptions, FetchLike, SessionStore } from '../core'

/** Settings shared by every login component below a {@link DingTalkLoginProvider}. */
export interface DingTalkLoginSettings {
  /**
   * Base URL of the backend's DingTalk routes.
   * @default '/api/auth/dingtalk'
   */
  endpoint?: string
  /**
   * Language of the built-in texts and of the backend's error messages.
   * @default 'zh-CN'
   */
  locale?: DingTalkLocale
  /** CSP nonce for the `ddlogin.js` script tag. */
  nonce?: string
  /**
   * URL of `ddlogin.js`, overriding the backend config's `scriptSrc`. Give it (the official CDN URL in
   * production, the emulator's in development) and the QR login starts the script as it first renders, loading it
   * while `GET /config` is in flight, so the QR code shows sooner.
   * @default the config's `scriptSrc`
   */
  scriptSrc?: string
  /**
   * The `fetch` used to talk to the backend.
   * @default globalThis.fetch, looked up at call time
   */
  fetch?: FetchLike
}

/** Props of {@link DingTalkLoginProvider}. */
export interface DingTalkLoginProviderProps extends DingTalkLoginSettings {
  children?: ReactNode
}

/** What the provider shares: its settings and its session. */
export interface DingTalkLoginContextValue extends DingTalkLoginSettings {
  /** The provider's session (`useDingTalkSession`); absent without a provider. */
  session?: SessionStore
}

const DingTalkLoginContext = createContext<DingTalkLoginContextValue>({})

/**
 * Shares the backend endpoint, locale, CSP nonce, script URL and `fetch` with the login components and hooks
 * below it, and keeps the session that `useDingTalkSession` reads (refreshed after a login in any of them).
 * Optional for the login components: without it they use the defaults.
 *
 * @example
 * ```tsx
 * <DingTalkLoginProvider endpoint="/api/auth/dingtalk" locale="en">
 *   <DingTalkLogin onSuccess={(result) => console.log(result.user)} />
 * </DingTalkLoginProvider>
 * ```
 */
export function DingTalkLoginProvider({
  endpoint,
  locale,
  nonce,
  scriptSrc,
  fetch,
  children,
}: DingTalkLoginProviderProps) {
  const backend = useRef<DingTalkLoginClientOptions>({})
  backend.current = { endpoint, locale, fetch }
  // One session per provider, reading the latest props at each call; nothing is fetched until a consumer asks.
  const [session] = useState(() => createSessionStore(() => backend.current))
  const value = useMemo(
    () => ({ endpoint, locale, nonce, scriptSrc, fetch, session }),
    [endpoint, locale, nonce, scriptSrc, fetch, session],
  )
  return <DingTalkLoginContext.Provider value={value}>{children}</DingTalkLoginContext.Provider>
}

/** The nearest provider's settings and session (empty without a provider). */
export function useDingTalkLoginSettings(): DingTalkLoginContextValue {
  return useContext(DingTalkLoginContext)
}
