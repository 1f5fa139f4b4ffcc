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

function findScript(src: string): HTMLScriptElement | null {
  for (const script of Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]'))) {
    if (script.getAttribute('src') === src) return script
  }
  return null
}

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
    if (typeof window === 'undefined' || typeof document === 'undefined') {
      reject(new DingTalkLoginError('environment', 'QR login needs a browser'))
      return
    }
    const existing = getDTFrameLogin()
    if (existing) {
      resolve(existing)
      return
    }
    let script = findScript(src)
    const ours = !script
    if (!script) {
      script = document.createElement('script')
      script.src = src
      script.async = true
      if (nonce) script.setAttribute('nonce', nonce)
    }
    const tag = script
    let timer: ReturnType<typeof setTimeout> | undefined
    const settle = (error?: DingTalkLoginError) => {
      clearTimeout(timer)
      tag.removeEventListener('load', onLoad)
      tag.removeEventListener('error', onError)
      if (!error) {
        const sdk = getDTFrameLogin()
        if (sdk) return resolve(sdk)
        error = new DingTalkLoginError('sdk-load-failed', `${src} loaded but defined no DTFrameLogin`)
      }
      // A retry injects a fresh tag; a tag the host page added stays.
      if (ours) tag.remove()
      reject(error)
    }
    const onLoad = () => settle()
    const onError = () => settle(new DingTalkLoginError('sdk-load-failed', `Failed to load ${src}`))
    tag.addEventListener('load', onLoad)
    tag.addEventListener('error', onError)
    if (timeoutMs > 0) {
      timer = setTimeout(
        () => settle(new DingTalkLoginError('timeout', `${src} did not load within ${timeoutMs} ms`)),
        timeoutMs,
      )
    }
    if (ours) document.head.appendChild(tag)
  })
  sdkPromise = promise
  promise.catch(() => {
    if (sdkPromise === promise) sdkPromise = null
  })
  return promise
}
