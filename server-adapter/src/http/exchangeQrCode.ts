import { exchangeOnce } from './exchangeOnce'
import type { LoginOutcome } from './exchangeOnce'
import type { HttpRuntime } from './HttpRuntime'
import { isSessionRevoked, presentedSessionIdOf, startSession } from './loginResponse'
import type { BrowserState } from './loginStates'
import type { RequestContext } from './requestContext'

/** What a QR code exchange needs: the code, the client platform and the state this browser presents. */
export interface QrCodeExchangeInput {
  code: string
  platform: string
  browserState: BrowserState
}

/**
 * Exchanges a QR login's code once, against the state this browser holds (`POST /login/qr` and
 * `GET /callback`). The outcome carries the state's `returnTo` when it had one (a redirect login).
 */
export async function exchangeQrCode(
  runtime: HttpRuntime,
  ctx: RequestContext,
  input: QrCodeExchangeInput,
): Promise<LoginOutcome> {
  let returnTo: string | undefined
  const { outcome } = await exchangeOnce({
    stateStore: runtime.stateStore,
    now: runtime.settings.now,
    replayWindowMs: runtime.settings.replayWindowMs,
    code: input.code,
    browser: input.browserState.browser,
    presentedSessionId: await presentedSessionIdOf(runtime, ctx),
    check: () => runtime.loginStates.peek(input.browserState),
    consume: async () => {
      returnTo = (await runtime.loginStates.take(input.browserState)).returnTo
    },
    login: async (stored) => {
      const startedAt = runtime.settings.now()
      const result = await runtime.core.service.loginByQrCode({
        code: input.code,
        platform: input.platform,
        instance: stored.instance,
        signal: ctx.request.signal,
      })
      const started = await startSession(runtime, result, startedAt)
      return returnTo === undefined ? started : { ...started, returnTo }
    },
    isSessionRevoked: (session) => isSessionRevoked(runtime, session),
  })
  return outcome
}
