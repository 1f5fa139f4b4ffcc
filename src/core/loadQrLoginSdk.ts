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
 * wins). A `DTFrameLogin` the page already has is reused, as is a matching script tag the page added. A failed load
 * (network error, timeout, or a script that defines no `DTFrameLogin`) rejects with a
 * {@link DingTalkLoginError} and is forgotten, so the next call tries again with a fresh tag. The tag is never
 * removed once loaded. On the server it rejects with the `environment` code and touches nothing.
 */
export function loadQrLoginSdk(options: LoadQrLoginSdkOptions = {}): Promise<DTFrameLogin> {
  if (sdkPromise) return sdkPromise
  const { src = QR_LOGIN_SDK_URL, nonce, timeoutMs = 15_000 } = options
  const promise = new Promise<DTFrameLogin>((resolve, reject) => {
    if (typeof document === 'undefined') {
      return reject(new DingTalkLoginError('environment', 'QR login needs a browser'))
    }
    const existing = getDTFrameLogin()
    if (existing) return resolve(existing)
    let tag = Array.from(document.scripts).find((script) => script.getAttribute('src') === src)
    const ours = !tag
    if (!tag) {
      tag = document.createElement('script')
      tag.src = src
      tag.async = true
      if (nonce) tag.setAttribute('nonce', nonce)
    }
    const script = tag
    let timer: ReturnType<typeof setTimeout> | undefined
    // Late events after a timeout are harmless: a settled promise ignores them.
    const settle = (error?: DingTalkLoginError) => {
      clearTimeout(timer)
      const sdk = getDTFrameLogin()
      if (!error && sdk) return resolve(sdk)
      // A retry injects a fresh tag; a tag the host page added stays.
      if (ours) script.remove()
      reject(error || new DingTalkLoginError('sdk-load-failed', `${src} defined no DTFrameLogin`))
    }
    script.addEventListener('load', () => settle())
    script.addEventListener('error', () =>
      settle(new DingTalkLoginError('sdk-load-failed', `Failed to load ${src}`)),
    )
    if (timeoutMs > 0) {
      timer = setTimeout(() => settle(new DingTalkLoginError('timeout', `${src} timed out`)), timeoutMs)
    }
    if (ours) document.head.appendChild(script)
  })
  sdkPromise = promise
  promise.catch(() => {
    if (sdkPromise === promise) sdkPromise = null
  })
  return promise
}
