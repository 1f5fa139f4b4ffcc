import type { CSSProperties, MouseEvent, ReactNode } from 'react'
import { getAuthorizeUrl } from '../core'
import type { DingTalkLocale } from '../core'
import { useDingTalkLoginSettings } from './DingTalkLoginProvider'

/** Props of {@link DingTalkLoginButton}. */
export interface DingTalkLoginButtonProps {
  /**
   * Where the browser lands after the login: a path on this app's origin (or a URL the server's
   * `allowedReturnTo` lists).
   * @default the current page (path, query and hash at the time of the click)
   */
  returnTo?: string
  /** Tenant hint for a backend that serves several corps. */
  corpId?: string
  /** Name of the login instance on a backend with several. */
  instance?: string
  /**
   * Base URL of the backend's DingTalk routes.
   * @default the provider's, else '/api/auth/dingtalk'
   */
  endpoint?: string
  /**
   * Language of the label.
   * @default the provider's, else 'zh-CN'
   */
  locale?: DingTalkLocale
  /**
   * The label.
   * @default '钉钉登录' (zh-CN) or 'Sign in with DingTalk' (en)
   */
  children?: ReactNode
  /** Disables the button. */
  disabled?: boolean
  /** Called before the browser leaves; call `event.preventDefault()` to stay. */
  onClick?: (event: MouseEvent<HTMLButtonElement>) => void
  /** Class of the button. */
  className?: string
  /** Style of the button, over the built-in layout (an inline flex row). */
  style?: CSSProperties
}

const LABELS: Record<DingTalkLocale, string> = { 'zh-CN': '钉钉登录', en: 'Sign in with DingTalk' }

// Only what lays out the mark beside the label; the look is the app's (`className`, `style`).
const LAYOUT: CSSProperties = { display: 'inline-flex', alignItems: 'center', gap: 8 }

/** DingTalk's mark: the white wing on its blue tile. Decorative: the label names the button. */
function DingTalkMark() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect width="24" height="24" rx="6" fill="#0089FF" />
      <path fill="#fff" d="M6 6.5l11.5 3.8-3.2 1.9 1.7.9-5 5.4.9-3.4H9.4l1.5-1.9C8.4 12.4 6.6 9.8 6 6.5z" />
    </svg>
  )
}

/**
 * The full-page redirect login as a button, for apps that don't want an embedded iframe (and for mobile browsers
 * outside DingTalk, where scanning a QR code on the same phone cannot work): a click sends the browser to
 * `GET {endpoint}/authorize?returnTo=…`, on to DingTalk's login page, and back to `returnTo` with the session set.
 *
 * @example
 * ```tsx
 * <DingTalkLoginButton returnTo="/dashboard" />
 * ```
 */
export function DingTalkLoginButton(props: DingTalkLoginButtonProps) {
  const settings = useDingTalkLoginSettings()
  const {
    returnTo,
    corpId,
    instance,
    endpoint = settings.endpoint,
    locale = settings.locale || 'zh-CN',
    children,
    disabled,
    onClick,
    className,
    style,
  } = props
  const handleClick = (event: MouseEvent<HTMLButtonElement>) => {
    if (onClick) onClick(event)
    if (event.defaultPrevented) return
    const here = `${location.pathname}${location.search}${location.hash}`
    location.assign(getAuthorizeUrl({ endpoint, returnTo: returnTo || here, corpId, instance }))
  }
  return (
    <button
      type="button"
      data-dingtalk-login="button"
      className={className}
      style={{ ...LAYOUT, ...style }}
      disabled={disabled}
      onClick={handleClick}
    >
      <DingTalkMark />
      <span>{children === undefined ? LABELS[locale] : children}</span>
    </button>
  )
}
