import type { CSSProperties } from 'react'
import type { DingTalkLoginResult } from '../core'
import { useDingTalkLoginSettings } from './DingTalkLoginProvider'
import { errorText, resolveQrTexts } from './texts'
import type { DingTalkLoginTextsOverride } from './texts'
import { useDingTalkQrLogin } from './useDingTalkQrLogin'
import type { UseDingTalkQrLoginOptions } from './useDingTalkQrLogin'

/** Props of {@link DingTalkQrLogin}. */
export interface DingTalkQrLoginProps<
  TResult = DingTalkLoginResult,
> extends UseDingTalkQrLoginOptions<TResult> {
  /** Replaces some of the built-in texts. */
  texts?: DingTalkLoginTextsOverride
  /** Class of the root element. */
  className?: string
  /** Style of the root element. */
  style?: CSSProperties
}

/**
 * DingTalk's embedded QR login: fetches the config, loads `ddlogin.js`, shows the QR code, exchanges the scanned
 * code with the backend and calls `onSuccess` with the login result. The root element carries
 * `data-state` (`idle | loading-config | loading-script | waiting-for-scan | exchanging | success | error`).
 *
 * @example
 * ```tsx
 * <DingTalkQrLogin width={300} height={300} onSuccess={(result) => console.log(result.user)} />
 * ```
 */
export function DingTalkQrLogin<TResult = DingTalkLoginResult>(props: DingTalkQrLoginProps<TResult>) {
  const { texts: override, className, style, ...options } = props
  const settings = useDingTalkLoginSettings()
  const texts = resolveQrTexts(options.locale || settings.locale, override)
  const { status, error, containerRef, retry } = useDingTalkQrLogin<TResult>(options)
  // Retry after an error, a new QR code while waiting for a scan: the store's `retry` and `refresh` are one action.
  const waiting = status === 'waiting-for-scan'
  const action = (error || waiting) && retry
  return (
    <div className={className} style={style} data-dingtalk-login="qr" data-state={status}>
      <div ref={containerRef} hidden={!waiting} />
      <p role="status" aria-live="polite">
        {texts.qr[status]}
      </p>
      {error && <p role="alert">{errorText(error, texts, true)}</p>}
      {action && (
        <button type="button" onClick={action}>
          {error ? texts.retry : texts.refresh}
        </button>
      )}
    </div>
  )
}
