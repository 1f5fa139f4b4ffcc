import { exchangeQrCode } from '../exchangeQrCode'
import type { Route } from '../HttpRuntime'
import { respondLogin } from '../loginResponse'
import { badField, optionalString, readPost, requiredString } from '../readPost'

const QR_PLATFORMS = new Set(['web', 'mobile'])

/** `POST /login/qr`: a QR code of a state this browser holds, exchanged once. */
export const postQrLogin: Route = async (runtime, ctx) => {
  const body = await readPost(ctx, runtime.settings)
  const code = requiredString(body, 'code')
  if (body.state !== undefined && body.state !== null && typeof body.state !== 'string') {
    throw badField('state', 'state must be a string')
  }
  const platform = optionalString(body, 'platform', 16) ?? 'web'
  if (!QR_PLATFORMS.has(platform)) throw badField('platform', 'platform must be "web" or "mobile"')
  const browserState = runtime.loginStates.browserStateOf(ctx, body.state)
  const outcome = await exchangeQrCode(runtime, ctx, { code, platform, browserState })
  return respondLogin(runtime, ctx, outcome)
}
