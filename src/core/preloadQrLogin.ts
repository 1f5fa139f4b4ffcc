import { loadQrLoginSdk } from './loadQrLoginSdk'

/** Options of {@link preloadQrLogin}. */
export interface PreloadQrLoginOptions {
  /**
   * URL of `ddlogin.js`: the backend config's `scriptSrc` (the official CDN in production, the emulator's copy in
   * development).
   */
  scriptSrc: string
  /** Origin of DingTalk's login pages, when known: connected to ahead of the QR iframe. */
  loginOrigin?: string
  /** CSP nonce for the script tag. */
  nonce?: string
}

const connected = new Set<string>()

/**
 * Adds `<link rel="preconnect">` for `origin` once per page, so that the QR iframe's first request does not wait
 * for DNS, TCP and TLS. Does nothing on the server.
 */
export function preconnect(origin: string): void {
  if (typeof document === 'undefined' || connected.has(origin)) return
  connected.add(origin)
  const link = document.createElement('link')
  link.rel = 'preconnect'
  link.href = origin
  document.head.appendChild(link)
}

/**
 * Starts loading `ddlogin.js` (and connecting to the login origin) before a QR login mounts, e.g. when the login
 * route's code loads or a "sign in" link is hovered. The QR login then shows its code as soon as `GET /config`
 * answers. Safe to call more than once and on the server; a failed load is retried by the QR login itself.
 *
 * @example
 * ```ts
 * preloadQrLogin({ scriptSrc: 'https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js' })
 * ```
 */
export function preloadQrLogin({ scriptSrc, loginOrigin, nonce }: PreloadQrLoginOptions): void {
  if (loginOrigin) preconnect(new URL(loginOrigin).origin)
  // Reported where it matters: the QR login that awaits the same memoised load retries it. On the server both
  // calls touch nothing: `preconnect` returns, the load rejects with `environment` and is forgotten.
  loadQrLoginSdk({ src: scriptSrc, nonce }).catch(() => undefined)
}
