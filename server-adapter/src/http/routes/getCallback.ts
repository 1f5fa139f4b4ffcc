import { DingTalkAuthError } from '../../errors'
import { exchangeOnce } from '../exchangeOnce'
import type { Route } from '../HttpRuntime'
import { isSessionRevoked, presentedSessionIdOf, respondLogin, startSession } from '../loginResponse'

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
  let returnTo = home
  const { outcome } = await exchangeOnce({
    stateStore: runtime.stateStore,
    now: runtime.settings.now,
    replayWindowMs: runtime.settings.replayWindowMs,
    code,
    browser: browserState.browser,
    presentedSessionId: await presentedSessionIdOf(runtime, ctx),
    check: () => runtime.loginStates.peek(browserState),
    consume: async () => {
      returnTo = (await runtime.loginStates.take(browserState)).returnTo ?? home
    },
    login: async (stored) => ({
      ...(await startSession(
        runtime,
        await runtime.core.service.loginByQrCode({
          code,
          platform: 'web',
          instance: stored.instance,
          signal: ctx.request.signal,
        }),
      )),
      returnTo,
    }),
    isSessionRevoked: (session) => isSessionRevoked(runtime, session),
  })
  // A double callback goes where the first exchange went.
  return respondLogin(runtime, ctx, outcome, outcome.returnTo ?? home)
}
