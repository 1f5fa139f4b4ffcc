import type { CSSProperties, ReactNode } from 'react'
import { shouldShowWorkbenchFallback } from '../core'
import type { DingTalkLoginResult } from '../core'
import { useDingTalkLoginSettings } from './DingTalkLoginProvider'
import { errorText, resolveWorkbenchTexts } from './texts'
import type { DingTalkLoginTextsOverride } from './texts'
import { useWorkbenchAutoLogin } from './useWorkbenchAutoLogin'
import type { UseWorkbenchAutoLoginOptions } from './useWorkbenchAutoLogin'

/** Props of {@link WorkbenchAutoLogin}. */
export interface WorkbenchAutoLoginProps<
  TResult = DingTalkLoginResult,
> extends UseWorkbenchAutoLoginOptions<TResult> {
  /**
   * Rendered instead of the status when the page is not inside DingTalk, e.g. `<DingTalkQrLogin />`.
   * @default null
   */
  fallback?: ReactNode
  /**
   * Also render `fallback` after a failed free login (with the error announced above it).
   * @default false
   */
  showFallbackOnError?: boolean
  /** Replaces some of the built-in texts. */
  texts?: DingTalkLoginTextsOverride
  /** Class of the root element. */
  className?: string
  /** Style of the root element. */
  style?: CSSProperties
}

/**
 * DingTalk free login for an H5 app opened from the workbench: inside DingTalk it asks the client for a
 * free-login code (with a timeout) and exchanges it with the backend; elsewhere it renders `fallback`. The corp
 * comes from `corpId`, else from the `corpId`/`corpid` query parameter (`?corpid=$CORPID$` as the app homepage).
 * The root element carries `data-state`
 * (`idle | detecting | not-in-dingtalk | requesting-code | exchanging | success | error`).
 *
 * @example
 * ```tsx
 * <WorkbenchAutoLogin fallback={<DingTalkQrLogin />} timeoutMs={8000} onSuccess={(r) => console.log(r.user)} />
 * ```
 */
export function WorkbenchAutoLogin<TResult = DingTalkLoginResult>(props: WorkbenchAutoLoginProps<TResult>) {
  const {
    fallback = null,
    showFallbackOnError = false,
    texts: override,
    className,
    style,
    ...options
  } = props
  const settings = useDingTalkLoginSettings()
  const texts = resolveWorkbenchTexts(options.locale || settings.locale, override)
  const { status, error, retry } = useWorkbenchAutoLogin<TResult>(options)
  const showFallback = fallback !== null && shouldShowWorkbenchFallback(status, showFallbackOnError)
  // Beside the fallback no retry is offered, so none of the built-in "please try again" texts: the error's own
  // message (a server's, a setup mistake's) or the app's own text for its code, else the fallback's hint.
  const alertText =
    error &&
    errorText(
      error,
      showFallback ? { error: texts.fallbackAfterError, errors: override && override.errors } : texts,
    )
  return (
    <div className={className} style={style} data-dingtalk-login="workbench" data-state={status}>
      <p role="status" aria-live="polite">
        {showFallback ? '' : texts.workbench[status]}
      </p>
      {/* `error` is set exactly while `status` is `error`. */}
      {error && <p role="alert">{alertText}</p>}
      {/* Its own line: the error text has no final stop to end a sentence on. */}
      {error && showFallback && alertText !== texts.fallbackAfterError && <p>{texts.fallbackAfterError}</p>}
      {/* Beside the fallback, a retry would replace it with the free login again, even after it logged in. */}
      {error && !showFallback && (
        <button type="button" onClick={retry}>
          {texts.retry}
        </button>
      )}
      {showFallback && fallback}
    </div>
  )
}
