import { routePath } from '../basePath'
import type { Route } from '../HttpRuntime'
import { pickInstance } from '../pickInstance'
import type { DingTalkPublicLoginConfig } from '../wire'

/** `GET /config`: the public login config and a fresh state bound to this browser. */
export const getConfig: Route = async (runtime, ctx) => {
  const instance = pickInstance(runtime, ctx.url.searchParams)
  runtime.rateLimiter.take(ctx.request)
  const { state, cookie } = await runtime.loginStates.issue(ctx, { instance: instance.name })
  const redirectUri = `${ctx.origin}${routePath(runtime.settings.basePath, '/callback')}`
  runtime.warnOriginMismatch(ctx, redirectUri)
  const config: DingTalkPublicLoginConfig = {
    appKey: instance.getLoginConfig().appKey,
    corpId: instance.corpId,
    state,
    redirectUri,
    scope: runtime.settings.scope,
    loginOrigin: runtime.settings.loginOrigin,
    scriptSrc: runtime.settings.scriptSrc,
  }
  return Response.json(config, { headers: { 'set-cookie': cookie } })
}
