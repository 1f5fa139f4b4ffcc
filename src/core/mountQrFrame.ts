import { DingTalkLoginError } from './DingTalkLoginError'
import { loginOriginMismatch } from './checkPageOrigin'
import type { DingTalkLoginConfig } from './types'
import type { DTFrameLogin, IDTLoginLoginParams } from './vendor'

/** Options of {@link mountQrFrame}. */
export interface QrFrameOptions {
  /** The backend's config: app key, state, redirect URL, scope, login origin. */
  config: DingTalkLoginConfig
  /**
   * Width of the QR iframe in pixels.
   * @default 300
   */
  width?: number
  /**
   * Height of the QR iframe in pixels.
   * @default 300
   */
  height?: number
  /** Corp to preselect on the login page (meaningful with the `openid corpid` scope). */
  corpId?: string
}

/** Callbacks of {@link mountQrFrame}. Neither is called after the returned dispose function ran. */
export interface QrFrameHandlers {
  /** A new, decoded authCode whose `state` matched. Called at most once per code. */
  onCode(code: string): void
  /**
   * The login page reported a failure, the state did not match, or the frame is not on the config's `loginOrigin`.
   * Empty vendor errors never get here.
   */
  onError(error: DingTalkLoginError): void
}

/**
 * The `loginParams` for `DTFrameLogin`, every value percent-encoded exactly once: the vendor script appends
 * values verbatim, so `redirect_uri` must arrive encoded and so must a `state` or `scope` that contains `&`, `#`
 * or a space.
 */
export function toLoginParams(config: DingTalkLoginConfig, corpId?: string): IDTLoginLoginParams {
  const params: Record<string, string | undefined> = {
    redirect_uri: config.redirectUri,
    response_type: 'code',
    client_id: config.appKey,
    scope: config.scope,
    prompt: 'consent',
    state: config.state,
    corpId: corpId || config.corpId,
  }
  for (const key in params) {
    if (params[key]) params[key] = encodeURIComponent(params[key])
    else delete params[key]
  }
  return params as unknown as IDTLoginLoginParams
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

let frameCount = 0

/**
 * Shows the QR iframe in `container` through the vendor's `DTFrameLogin` and reports codes until disposed.
 *
 * Each `DTFrameLogin` call adds a `message` listener to `window` that it never removes, which leaks one listener
 * per call and delivers one scan to every mount that ever existed. So the vendor's listener is caught while the
 * call runs and never reaches `window`: this mount adds exactly one listener of its own, which hands the vendor's
 * parser only messages of this mount's iframe from the config's `loginOrigin` (the vendor's unanchored regex would
 * accept look-alike hosts), and is removed on dispose. Should a vendor script register its listener some other
 * way, the callbacks are still inert after dispose.
 *
 * A frame that posts from another origin than `loginOrigin` could never log in: its first message (DingTalk's
 * status message as it loads, at the latest the scan) ends in `origin-mismatch` instead of a silent wait.
 */
export function mountQrFrame(
  sdk: DTFrameLogin,
  container: HTMLElement,
  // DingTalk: ddlogin.js itself sizes the iframe 300 × 300 when no width or height is given.
  { config, width, height, corpId }: QrFrameOptions,
  handlers: QrFrameHandlers,
): () => void {
  if (!container.id) container.id = `dingtalk-qr-${++frameCount}`
  let live = true
  let lastCode: string | undefined
  const fail = (error: DingTalkLoginError) => {
    if (live) handlers.onError(error)
  }

  // Before the vendor call: a bad `loginOrigin` throws here, before an iframe is in place.
  const loginOrigin = new URL(config.loginOrigin).origin
  const vendorListeners: EventListener[] = []
  const addEventListener = window.addEventListener
  window.addEventListener = function (
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ) {
    if (type === 'message') vendorListeners.push(listener as EventListener)
    else addEventListener.call(window, type, listener, options)
  } as typeof window.addEventListener
  try {
    sdk(
      { id: container.id, width, height },
      toLoginParams(config, corpId),
      (result) => {
        // DingTalk: the script hands authCode and state back without decoding them.
        const code = decode(result.authCode)
        // DingTalk: the same scan can be delivered more than once.
        if (!live || !code || code === lastCode) return
        lastCode = code
        if (decode(result.state || '') !== config.state) {
          fail(new DingTalkLoginError('state-mismatch', 'state-mismatch'))
        } else handlers.onCode(code)
      },
      // DingTalk: status messages without `success` reach errorCbk(undefined); they are not failures. The `error`
      // of a redirect URL comes percent-encoded.
      (message) => {
        if (message) fail(new DingTalkLoginError('auth-code-failed', decode(message)))
      },
    )
  } finally {
    // A browser's window inherits it: an own copy would hide a later patch of EventTarget.prototype (zone.js,
    // monitoring tools) from window.
    const inherited = addEventListener === EventTarget.prototype.addEventListener
    if (inherited) delete (window as Partial<Window>).addEventListener
    else window.addEventListener = addEventListener
  }

  // Only messages of this mount's iframe count, so that two QR logins on one page do not hear each other's scans;
  // a message without a source cannot come from another window. No `live` check: dispose removes it.
  const listener = (event: MessageEvent) => {
    const frame = container.querySelector('iframe')
    const fromOwnFrame = frame !== null && event.source === frame.contentWindow
    if (event.origin !== loginOrigin) {
      // Our frame answering from elsewhere: the scan would be lost without a word.
      if (fromOwnFrame) fail(loginOriginMismatch(event.origin, loginOrigin))
      return
    }
    // ddlogin.js registers plain functions (sloppy mode: `this` is `window` anyway).
    if (!event.source || fromOwnFrame) vendorListeners.forEach((vendor) => vendor(event))
  }
  window.addEventListener('message', listener)

  return () => {
    live = false
    window.removeEventListener('message', listener)
    // The container is ours alone; the vendor script itself empties it before each call.
    container.innerHTML = ''
  }
}
