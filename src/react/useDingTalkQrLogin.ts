import { useEffect, useRef, useState } from 'react'
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
  // What restarts the login: the component's settings over the provider's. The callbacks and injected functions
  // are read when used instead.
  const {
    endpoint = settings.endpoint,
    locale = settings.locale,
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
  // The container element. Attached in the same commit as the first effect runs, it is read from a ref there: a
  // state would cost a second render before the login starts (bench/qr-time). Once the effect has run, every
  // attach or detach bumps a version, so the effect runs again with the element now there (or stops without one).
  const element = useRef<HTMLElement | null>(null)
  const effectRan = useRef(false)
  const [containerVersion, setContainerVersion] = useState(0)
  const [containerRef] = useState(() => (next: HTMLElement | null) => {
    if (next === element.current) return
    element.current = next
    if (effectRan.current) setContainerVersion((version) => version + 1)
  })
  // Everything but `mount`, which the effect below calls.
  const { mount: _mount, ...state } = useStore(store)

  useEffect(() => {
    effectRan.current = true
    const container = element.current
    if (!container) return undefined
    return store.getState().mount(container, {
      endpoint,
      locale,
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
    containerVersion,
    endpoint,
    locale,
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

  return { ...state, containerRef }
}
