import type { CSSProperties } from 'react'
import type { DingTalkLoginError, DingTalkLocale, DingTalkLoginResult } from '../core'
import { DingTalkQrLogin } from './DingTalkQrLogin'
import type { DingTalkQrLoginProps } from './DingTalkQrLogin'
import type { DingTalkLoginTextsOverride } from './texts'
import { WorkbenchAutoLogin } from './WorkbenchAutoLogin'
import type { WorkbenchAutoLoginProps } from './WorkbenchAutoLogin'

type SharedProp = 'onSuccess' | 'onError' | 'corpId' | 'endpoint' | 'locale' | 'fetch' | 'texts'

/** Props of {@link DingTalkLogin}. */
export interface DingTalkLoginProps<TResult = DingTalkLoginResult> {
  /** Called once with the login result of whichever flow succeeded. */
  onSuccess?: (result: TResult) => void
  /** Called with every failure, including a failed free login that then falls back to the QR code. */
  onError?: (error: DingTalkLoginError) => void
  /**
   * The corp: the workbench login's corp and the QR login's hint.
   * @default the `corpId`/`corpid` query parameter inside DingTalk
   */
  corpId?: string
  /**
   * Base URL of the backend's DingTalk routes.
   * @default the provider's, else '/api/auth/dingtalk'
   */
  endpoint?: string
  /**
   * Language of texts and backend messages.
   * @default the provider's, else 'zh-CN'
   */
  locale?: DingTalkLocale
  /**
   * The `fetch` used to talk to the backend.
   * @default the provider's, else globalThis.fetch
   */
  fetch?: DingTalkQrLoginProps<TResult>['fetch']
  /**
   * Show the QR login when the free login inside DingTalk fails.
   * @default true
   */
  fallbackToQr?: boolean
  /** Replaces some of the built-in texts of both flows. */
  texts?: DingTalkLoginTextsOverride
  /** Further props of the QR login (size, `loadSdk`, `exchangeCode`, …). */
  qr?: Omit<DingTalkQrLoginProps<TResult>, SharedProp>
  /** Further props of the workbench login (`bridge`, `timeoutMs`, `clientId`, …). */
  workbench?: Omit<
    WorkbenchAutoLoginProps<TResult>,
    // The root element is the workbench login's: its class and style are these props' own.
    SharedProp | 'fallback' | 'showFallbackOnError' | 'className' | 'style'
  >
  /** Class of the root element (the workbench login's). */
  className?: string
  /** Style of the root element. */
  style?: CSSProperties
}

/**
 * Picks the flow: the workbench free login inside DingTalk, the QR login everywhere else, and the QR login after a
 * failed free login unless `fallbackToQr` is `false`. The root element is `WorkbenchAutoLogin`'s (its
 * `data-state`); the QR login renders inside it with its own `data-state`.
 *
 * @example
 * ```tsx
 * <DingTalkLogin onSuccess={(result) => console.log(result.user)} onError={(error) => console.warn(error.code)} />
 * ```
 */
export function DingTalkLogin<TResult = DingTalkLoginResult>(props: DingTalkLoginProps<TResult>) {
  const { fallbackToQr = true, qr, workbench, className, style, ...shared } = props
  return (
    <WorkbenchAutoLogin<TResult>
      {...workbench}
      {...shared}
      className={className}
      style={style}
      showFallbackOnError={fallbackToQr}
      fallback={<DingTalkQrLogin<TResult> {...qr} {...shared} />}
    />
  )
}
