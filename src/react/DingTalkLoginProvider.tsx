import { createContext, useContext, useMemo } from 'react'
import type { ReactNode } from 'react'
import type { DingTalkLocale, FetchLike } from '../core'

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
   * URL of `ddlogin.js`, overriding the backend config's `scriptSrc`.
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

const DingTalkLoginContext = createContext<DingTalkLoginSettings>({})

/**
 * Shares the backend endpoint, locale, CSP nonce, script URL and `fetch` with the login components and hooks
 * below it. Optional: without it every component uses the defaults.
 *
 * @example
 * ```tsx
 * <DingTalkLoginProvider endpoint="/api/auth/dingtalk" locale="en" nonce={cspNonce}>
 *   <DingTalkLogin onSuccess={(result) => setUser(result.user)} />
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
  const value = useMemo(
    () => ({ endpoint, locale, nonce, scriptSrc, fetch }),
    [endpoint, locale, nonce, scriptSrc, fetch],
  )
  return <DingTalkLoginContext.Provider value={value}>{children}</DingTalkLoginContext.Provider>
}

/** The nearest provider's settings (empty without a provider). */
export function useDingTalkLoginSettings(): DingTalkLoginSettings {
  return useContext(DingTalkLoginContext)
}
