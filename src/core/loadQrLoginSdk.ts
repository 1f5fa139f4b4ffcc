import { DingTalkLoginError } from './DingTalkLoginError'
import { getDTFrameLogin } from './vendor'
import type { DTFrameLogin } from './vendor'

/** The official `ddlogin.js` (dingtalk-protocol.md §2.2). The backend's config usually names the URL to use. */
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
 * wins). A `DTFrameLogin` the page already has is reused. A failed load
 * (network error, timeout, or a script that defines no `DTFrameLogin`) rejects with a
 * {@link DingTalkLoginError} and is forgotten, so the next call tries again with a fresh tag. The tag is never
 * removed once loaded. On the server it rejects with the `environment` code and touches nothing.
 */
export function loadQrLoginSdk(options: LoadQrLoginSdkOptions = {}): Promise<DTFrameLogin> {
  return loadScript({ ...options, src: options.src || QR_LOGIN_SDK_URL })
}

/**
 * {@link loadQrLoginSdk} without the default URL, for the QR store: the backend's config always names the URL, so
 * the QR bundle need not carry the CDN's.
 */
export function loadScript({ src, nonce, timeoutMs = 15_000 }: LoadQrLoginSdkOptions): Promise<DTFrameLogin> {
  if (sdkPromise) return sdkPromise
  const promise = (sdkPromise = new Promise<DTFrameLogin>((resolve, reject) => {
    const existing = getDTFrameLogin()
    if (existing) return resolve(existing)
    if (typeof document === 'undefined') throw new DingTalkLoginError('environment', 'no browser')
    const script = document.createElement('script')
    // Late events after a timeout are harmless: a settled promise ignores them.
    const settle = (code?: 'timeout' | 'sdk-load-failed') => {
      clearTimeout(timer as never) // `false` without a timeout, which clearTimeout ignores
      const sdk = getDTFrameLogin()
      if (!code && sdk) return resolve(sdk)
      script.remove() // a retry injects a fresh tag
      reject(
        new DingTalkLoginError(code || 'sdk-load-failed', `${src}: ${code || 'defined no DTFrameLogin'}`),
      )
    }
    script.onload = () => settle()
    script.onerror = () => settle('sdk-load-failed')
    const timer = timeoutMs > 0 && setTimeout(settle, timeoutMs, 'timeout')
    script.src = src!
    // No `async = true`: a script inserted from script is async anyway (HTML's force-async flag).
    if (nonce) script.setAttribute('nonce', nonce)
    document.head.appendChild(script)
  }))
  // Failures are retryable. This handler runs before any caller's, so it cannot clear a newer load.
  promise.catch(() => (sdkPromise = null))
  return promise
}
