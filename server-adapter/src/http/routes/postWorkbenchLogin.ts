import { DingTalkAuthError } from '../../errors'
import { exchangeOnce } from '../exchangeOnce'
import type { Route } from '../HttpRuntime'
import { isSessionRevoked, presentedSessionIdOf, respondLogin, startSession } from '../loginResponse'
import { optionalString, readPost, requiredString } from '../readPost'

/** `POST /login/workbench`: a free-login code from inside DingTalk, exchanged once. */
export const postWorkbenchLogin: Route = async (runtime, ctx) => {
  const body = await readPost(ctx, runtime.settings)
  const corpId = requiredString(body, 'corpId', 128)
  const authCode = requiredString(body, 'authCode')
  const platform = optionalString(body, 'platform', 32)
  if (!runtime.core.service.getAuthByCorpId(corpId)) {
    throw new DingTalkAuthError('unknown_corp', { detail: 'no instance for this corpId' })
  }
  // No cookie proves which browser a workbench request comes from: only the session of the first login does.
  const { outcome } = await exchangeOnce({
    stateStore: runtime.stateStore,
    now: runtime.settings.now,
    replayWindowMs: runtime.settings.replayWindowMs,
    code: authCode,
    browser: null,
    presentedSessionId: await presentedSessionIdOf(runtime, ctx),
    check: async () => undefined,
    consume: async () => undefined,
    login: async () => {
      const startedAt = runtime.settings.now()
      const result = await runtime.core.service.loginByWorkbench({
        corpId,
        authCode,
        ...(platform ? { platform } : {}),
        signal: ctx.request.signal,
      })
      return startSession(runtime, result, startedAt)
    },
    isSessionRevoked: (session) => isSessionRevoked(runtime, session),
  })
  return respondLogin(runtime, ctx, outcome)
}
