import { useEffect, useState } from 'react'
import { useStore } from 'zustand'
import { createQrLoginStore } from '../core'
import { loadScript } from '../core/loadQrLoginSdk'
import type {
  DingTalkLoginError,
  DingTalkLoginResult,
  QrLoginDeps,
  QrLoginOptions,
  QrLoginStatus,
} from '../core'
import { useDingTalkLoginSettings } from './DingTalkLoginProvider'
import { useLoginDeps } from './useLoginDeps'

/** Options of {@link useDingTalkQrLogin}; unset settings come from the nearest `DingTalkLoginProvider`. */
export interface UseDingTalkQrLoginOptions<TResult = DingTalkLoginResult>
  extends QrLoginOptions, QrLoginDeps<TResult> {}

/** What {@link useDingTalkQrLogin} returns. */
export interface UseDingTalkQrLoginResult<TResult = DingTalkLoginResult> {
  status: QrLoginStatus
  /** The failure while `status` is `error`. */
  error: DingTalkLoginError | null
  /** The login result once `status` is `success`. */
  result: TResult | null
  /** Put on an empty element: the QR iframe goes into it. The login starts once it is attached. */
  containerRef: (element: HTMLElement | null) => void
  /** Shows a new QR code with a fresh state. */
  refresh: () => void
  /** Starts over after an error. */
  retry: () => void
}

/**
 * The QR login without UI: attach `containerRef` to an element and render the status yourself.
 *
 * @example
 * ```tsx
 * const { status, containerRef, retry } = useDingTalkQrLogin({ onSuccess: (r) => console.log(r.user) })
 * return <div data-state={status}><div ref={containerRef} />{status === 'error' && <button onClick={retry}>Retry</button>}</div>
 * ```
 */
export function useDingTalkQrLogin<TResult = DingTalkLoginResult>(
  options: UseDingTalkQrLoginOptions<TResult> = {},
): UseDingTalkQrLoginResult<TResult> {
  const settings = useDingTalkLoginSettings()
  const getDeps = useLoginDeps<TResult, QrLoginDeps<TResult>>(options)
  // What restarts the login: the component's settings over the provider's. The callbacks, injected functions and
  // locale are read when used instead.
  const {
    endpoint = settings.endpoint,
    nonce = settings.nonce,
    scriptSrc = settings.scriptSrc,
    corpId,
    width,
    height,
    platform,
    refreshIntervalMs,
    sdkTimeoutMs,
    requestTimeoutMs,
  } = options
  // With its URL known, `ddlogin.js` starts as the login first renders, like a script tag in the page's <head>:
  // the mount comes only after the commit, a second render with the container, and often the page's first layout
  // (10–30 ms in bench/qr-time). The mount then joins the same memoised load. Not with an injected `loadSdk` (tests
  // and stories pass fakes); on the server the loader touches nothing and rejects.
  const [store] = useState(() => {
    if (scriptSrc && !options.loadSdk) {
      // A failure is reported by the mount, which awaits the same load (or retries it).
      loadScript({ src: scriptSrc, nonce, timeoutMs: sdkTimeoutMs }).catch(() => undefined)
    }
    return createQrLoginStore<TResult>(getDeps)
  })
  // The container, in state: a container shown later, replaced or removed restarts (or stops) the login. A ref read
  // on the first mount would save the second render this costs (about 4 ms in bench/qr-time), but React's StrictMode
  // detaches and reattaches refs after the first effect, which then restarted the login with a second /config.
  const [container, setContainer] = useState<HTMLElement | null>(null)
  // Everything but `mount`, which the effect below calls.
  const { mount: _mount, ...state } = useStore(store)

  useEffect(() => {
    if (!container) return undefined
    return store.getState().mount(container, {
      endpoint,
      nonce,
      scriptSrc,
      corpId,
      width,
      height,
      platform,
      refreshIntervalMs,
      sdkTimeoutMs,
      requestTimeoutMs,
    })
  }, [
    store,
    container,
    endpoint,
    nonce,
    scriptSrc,
    corpId,
    width,
    height,
    platform,
    refreshIntervalMs,
    sdkTimeoutMs,
    requestTimeoutMs,
  ])

  return { ...state, containerRef: setContainer }
}
