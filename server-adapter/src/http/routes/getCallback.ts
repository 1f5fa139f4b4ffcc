import { DingTalkAuthError } from '../../errors'
import { exchangeQrCode } from '../exchangeQrCode'
import type { Route } from '../HttpRuntime'
import { respondLogin } from '../loginResponse'

/** `GET /callback`: DingTalk's redirect back with the code; logs in and sends the browser to its returnTo. */
export const getCallback: Route = async (runtime, ctx) => {
  const params = ctx.url.searchParams
  const browserState = runtime.loginStates.browserStateOf(ctx, params.get('state'))
  // DingTalk: the official docs name the parameter authCode; production also sends code (protocol §2.1).
  const code = params.get('authCode') || params.get('code')
  if (!code) {
    throw new DingTalkAuthError('code_invalid', {
      detail: params.has('error') ? 'the user did not authorise the login' : 'no authCode in the callback',
    })
  }
  const home = new URL('/', ctx.origin).href
  const outcome = await exchangeQrCode(runtime, ctx, { code, platform: 'web', browserState })
  // A double callback goes where the first exchange went.
  return respondLogin(runtime, ctx, outcome, outcome.returnTo ?? home)
}
