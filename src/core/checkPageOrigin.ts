import { DingTalkLoginError } from './DingTalkLoginError'

/**
 * Throws `origin-mismatch` when the page is not on the origin of the backend's `redirectUri`. DingTalk's QR frame
 * posts the scan to that origin, so this page would never hear of it and would wait forever: typical behind a dev
 * proxy (Vite on :5173 proxying `/api` to :3000) or with `127.0.0.1` opened while the server says `localhost`.
 */
export function checkPageOrigin(redirectUri: string, pageOrigin: string = location.origin): void {
  const expected = new URL(redirectUri).origin
  if (expected === pageOrigin) return
  throw new DingTalkLoginError(
    'origin-mismatch',
    `The page is on ${pageOrigin} but the redirectUri on ${expected}, where DingTalk reports the scan: set ` +
      `the server's publicOrigin to ${pageOrigin}`,
  )
}

/** The `origin-mismatch` error for a QR frame that is not on the config's `loginOrigin`. */
export function loginOriginMismatch(frameOrigin: string, loginOrigin: string): DingTalkLoginError {
  return new DingTalkLoginError(
    'origin-mismatch',
    `The QR code is on ${frameOrigin} but the loginOrigin is ${loginOrigin}: serve ddlogin.js (scriptSrc) ` +
      `for ${loginOrigin}`,
  )
}
