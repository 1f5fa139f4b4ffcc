import { routePath } from '../basePath'
import type { Route } from '../HttpRuntime'
import { pickInstance } from '../pickInstance'
import { resolveReturnTo } from '../returnTo'

/** `GET /authorize`: the full-page redirect login, to DingTalk's login page with a fresh state. */
export const getAuthorize: Route = async (runtime, ctx) => {
  const params = ctx.url.searchParams
  const returnTo = resolveReturnTo(params.get('returnTo'), ctx.origin, runtime.settings.allowedReturnTo)
  const instance = pickInstance(runtime, params)
  runtime.rateLimiter.take(ctx.request)
  const { state, cookie } = await runtime.loginStates.issue(ctx, { instance: instance.name, returnTo })
  const scope = runtime.settings.scope
  const location = instance.getClient().createAuthorizationUrl({
    redirectUri: `${ctx.origin}${routePath(runtime.settings.basePath, '/callback')}`,
    state,
    scope,
    ...(scope.split(/\s+/).includes('corpid') ? { corpId: instance.corpId } : {}),
  })
  return new Response(null, { status: 302, headers: { location: location.href, 'set-cookie': cookie } })
}
