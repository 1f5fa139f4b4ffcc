import { DingTalkLoginError } from './DingTalkLoginError'
import type { DingTalkLoginConfig } from './types'
import type { DTFrameLogin, IDTLoginLoginParams, IDTLoginSuccess } from './vendor'

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
  /** The login page reported a failure, or the state did not match. Empty vendor errors never get here. */
  onError(error: DingTalkLoginError): void
}

/**
 * The `loginParams` for `DTFrameLogin`, every value percent-encoded exactly once: the vendor script appends
 * values verbatim (dingtalk-protocol.md §2.2), so `redirect_uri` must arrive encoded and so must a `state` or
 * `scope` that contains `&`, `#` or a space.
 */
export function toLoginParams(config: DingTalkLoginConfig, corpId?: string): IDTLoginLoginParams {
  const params: IDTLoginLoginParams = {
    redirect_uri: encodeURIComponent(config.redirectUri),
    response_type: 'code',
    client_id: encodeURIComponent(config.appKey),
    scope: encodeURIComponent(config.scope),
    prompt: 'consent',
    state: encodeURIComponent(config.state),
  }
  const corp = corpId ?? config.corpId
  if (corp) params.corpId = encodeURIComponent(corp)
  return params
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
 * Each `DTFrameLogin` call adds a `message` listener to `window` that it never removes (dingtalk-protocol.md §2.2),
 * which leaks one listener per call and delivers one scan to every mount that ever existed. So the vendor's
 * listener is caught while the call runs and never reaches `window`: this mount adds exactly one listener of its
 * own, which accepts only messages from the config's `loginOrigin` (the vendor's unanchored regex would accept
 * look-alike hosts), hands them to the vendor's parser, and is removed on dispose. Should a vendor script register
 * its listener some other way, the callbacks are still inert after dispose.
 */
export function mountQrFrame(
  sdk: DTFrameLogin,
  container: HTMLElement,
  options: QrFrameOptions,
  handlers: QrFrameHandlers,
): () => void {
  const { config, width = 300, height = 300, corpId } = options
  if (!container.id) container.id = `dingtalk-qr-login-${++frameCount}`
  let disposed = false
  const seen = new Set<string>()

  const onSuccess = (result: IDTLoginSuccess) => {
    if (disposed || !result || !result.authCode) return
    // DingTalk: the script hands authCode and state back without decoding them.
    const code = decode(result.authCode)
    if (seen.has(code)) return // DingTalk: the same scan can be delivered more than once
    seen.add(code)
    if (decode(result.state ?? '') !== config.state) {
      handlers.onError(
        new DingTalkLoginError('state-mismatch', 'The login state did not match; please scan again'),
      )
      return
    }
    handlers.onCode(code)
  }
  const onError = (message?: string) => {
    // DingTalk: status messages without `success` reach errorCbk(undefined); they are not failures.
    if (disposed || !message) return
    handlers.onError(new DingTalkLoginError('auth-code-failed', String(message)))
  }

  const vendorListeners: EventListenerOrEventListenerObject[] = []
  const hadOwnAdd = Object.prototype.hasOwnProperty.call(window, 'addEventListener')
  const originalAdd = window.addEventListener
  window.addEventListener = function (
    this: Window,
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    opts?: boolean | AddEventListenerOptions,
  ) {
    if (type === 'message' && listener) vendorListeners.push(listener)
    else if (listener) originalAdd.call(this, type, listener, opts)
  } as typeof window.addEventListener
  let iframe: HTMLIFrameElement | void
  try {
    iframe = sdk({ id: container.id, width, height }, toLoginParams(config, corpId), onSuccess, onError)
  } finally {
    if (hadOwnAdd) window.addEventListener = originalAdd
    else delete (window as { addEventListener?: unknown }).addEventListener
  }

  const expectedOrigin = config.loginOrigin ? new URL(config.loginOrigin).origin : undefined
  const listener = (event: MessageEvent) => {
    if (disposed || (expectedOrigin && event.origin !== expectedOrigin)) return
    for (const vendor of vendorListeners) {
      if (typeof vendor === 'function') vendor.call(window, event)
      else vendor.handleEvent(event)
    }
  }
  window.addEventListener('message', listener)

  return () => {
    if (disposed) return
    disposed = true
    window.removeEventListener('message', listener)
    if (iframe) iframe.remove()
    else for (const frame of Array.from(container.querySelectorAll('iframe'))) frame.remove()
  }
}
