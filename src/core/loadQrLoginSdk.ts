import { DingTalkLoginError } from './DingTalkLoginError'
import { getDTFrameLogin } from './vendor'
import type { DTFrameLogin } from './vendor'

/** The official `ddlogin.js`. The backend's config usually names the URL to use. */
export const QR_LOGIN_SDK_URL = 'https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js'

/** Options of {@link loadQrLoginSdk}. */
export interface LoadQrLoginSdkOptions {
  /**
   * URL of `ddlogin.js`.
   * @default QR_LOGIN_SDK_URL
   */
  src?: string
  /** CSP nonce put on the script tag. */
  nonce?: string
  /**
   * Give up after this many milliseconds; `0` waits forever.
   * @default 15000
   */
  timeoutMs?: number
}

let sdkPromise: Promise<DTFrameLogin> | null = null

/**
 * Loads `ddlogin.js` once per page and resolves with `window.DTFrameLogin`.
 *
 * Every caller gets the same promise while a load is in flight or after it succeeded (the first caller's `src`
 * wins). A `DTFrameLogin` the page already has is reused, and a `ddlogin.js` tag the page is still loading is
 * waited for instead of loading the script twice. A failed load (network error, timeout, or a script that defines
 * no `DTFrameLogin`) rejects with a {@link DingTalkLoginError} and is forgotten, so the next call tries again with
 * a fresh tag. The tag is never removed once loaded. On the server it rejects with the `environment` code and
 * touches nothing.
 */
export function loadQrLoginSdk(options: LoadQrLoginSdkOptions = {}): Promise<DTFrameLogin> {
  return loadScript({ ...options, src: options.src || QR_LOGIN_SDK_URL })
}

/**
 * A `ddlogin.js` tag the page is still loading: ours from an earlier call, or one the host page put there itself.
 * Not one whose load ended (it has a resource timing entry, failed loads too): its `load` or `error` event fired
 * already, and waiting for it would hang until the timeout.
 */
function findLoadingScriptTag(src: string): HTMLScriptElement | undefined {
  const absolute = new URL(src, document.baseURI).href
  return [...document.scripts].find(
    (script) =>
      (script.src === absolute || /\/ddlogin\.js(\?|#|$)/.test(script.src)) &&
      !performance.getEntriesByName(script.src).length,
  )
}

/**
 * {@link loadQrLoginSdk} without the default URL, for the QR store: the backend's config always names the URL, so
 * the QR bundle need not carry the CDN's.
 */
export function loadScript({
  src,
  nonce,
  timeoutMs = 15_000,
}: LoadQrLoginSdkOptions & { src: string }): Promise<DTFrameLogin> {
  if (sdkPromise) return sdkPromise
  const promise = new Promise<DTFrameLogin>((resolve, reject) => {
    const existing = getDTFrameLogin()
    if (existing) return resolve(existing)
    if (typeof document === 'undefined') throw new DingTalkLoginError('environment', 'no browser')
    const hostTag = findLoadingScriptTag(src)
    const script = hostTag || document.createElement('script')
    let timer: ReturnType<typeof setTimeout> | undefined

    // Late events after a timeout are harmless: a settled promise ignores them.
    const settle = (failure?: DingTalkLoginError) => {
      clearTimeout(timer)
      const sdk = getDTFrameLogin()
      if (sdk && !failure) return resolve(sdk)
      script.remove() // a retry injects a fresh tag
      reject(failure || new DingTalkLoginError('sdk-load-failed', `${src} defined no DTFrameLogin`))
    }
    // Listeners, not `onload`: the tag may be the host page's, with handlers of its own.
    script.addEventListener('load', () => settle())
    script.addEventListener('error', () =>
      settle(new DingTalkLoginError('sdk-load-failed', `${src} failed to load`)),
    )
    if (timeoutMs > 0) {
      timer = setTimeout(
        () => settle(new DingTalkLoginError('timeout', `${src}: no answer in ${timeoutMs} ms`)),
        timeoutMs,
      )
    }
    if (hostTag) return
    script.src = src
    // No `async = true`: a script inserted from script is async anyway (HTML's force-async flag).
    if (nonce) script.setAttribute('nonce', nonce)
    document.head.appendChild(script)
  })
  sdkPromise = promise
  // Failures are retryable. This handler runs before any caller's, so it cannot clear a newer load.
  promise.catch(() => {
    if (sdkPromise === promise) sdkPromise = null
  })
  return promise
}
