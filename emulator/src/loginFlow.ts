import type { EmulatorContext } from './EmulatorContext'
import type { EmulatorApp, EmulatorUser } from './fixture/EmulatorFixture'
import { isRegisteredRedirectUri } from './isRegisteredRedirectUri'
import type { QrSession } from './state/createQrSessionStore'

/** The validated query of `/oauth2/auth`. */
export interface LoginParams {
  app: EmulatorApp
  mode: 'iframe' | 'page'
  redirectUri: string
  state: string | undefined
  scope: string
  corpId: string | undefined
  orgType: string | undefined
  exclusiveCorpId: string | undefined
}

/** Who scans: a unionId, or a corp userid (looked up in `corpId`, else in every corp). */
export interface ScanIdentity {
  userid?: string
  unionId?: string
  corpId?: string
}

export const scopesOf = (scope: string) => scope.split(/[\s+]+/).filter(Boolean)

/** Checks the login page's query like DingTalk does; returns the parameters or the message for the error page. */
export function validateLoginParams(ctx: EmulatorContext, query: URLSearchParams): LoginParams | string {
  const get = (name: string) => query.get(name) ?? undefined
  const clientId = get('client_id')
  if (!clientId) return '缺少参数 client_id'
  const app = ctx.index.findApp(clientId)
  if (!app) return `应用不存在（client_id = ${clientId}）`
  if (!app.published) return '应用未发布，无法登录'
  const redirectUri = get('redirect_uri')
  if (!redirectUri) return '缺少参数 redirect_uri'
  if (!isRegisteredRedirectUri(redirectUri, app.redirectUris))
    return `redirect_uri 未在应用的重定向URL中登记：${redirectUri}`
  if (get('response_type') !== 'code') return 'response_type 只支持 code'
  const scope = get('scope')
  if (!scope) return '缺少参数 scope'
  if (!scopesOf(scope).includes('openid')) return 'scope 必须包含 openid'
  const prompt = get('prompt')
  if (prompt !== undefined && prompt !== 'consent') return `不支持的 prompt：${prompt}`
  const exclusiveLogin = get('exclusiveLogin') === 'true'
  const exclusiveCorpId = exclusiveLogin ? get('exclusiveCorpId') : undefined
  if (exclusiveCorpId !== undefined && !ctx.index.findCorp(exclusiveCorpId))
    return `组织不存在：${exclusiveCorpId}`
  const withCorp = scopesOf(scope).includes('corpid')
  return {
    app,
    mode: query.get('iframe') === 'true' ? 'iframe' : 'page',
    redirectUri: redirectUri.split('#')[0]!,
    state: get('state'),
    scope,
    corpId: withCorp ? get('corpId') : undefined,
    orgType: withCorp ? get('org_type') : undefined,
    exclusiveCorpId,
  }
}

export function createLoginSession(ctx: EmulatorContext, params: LoginParams): QrSession {
  return ctx.sessions.create({
    mode: params.mode,
    clientId: params.app.clientId,
    redirectUri: params.redirectUri,
    state: params.state,
    scope: params.scope,
    corpId: params.corpId,
    orgType: params.orgType,
    exclusiveCorpId: params.exclusiveCorpId,
  })
}

export function findScanUser(
  ctx: EmulatorContext,
  who: ScanIdentity,
  preferCorpIds: (string | undefined)[],
): EmulatorUser | undefined {
  if (who.unionId) return ctx.index.findUser(who.unionId)
  if (!who.userid) return undefined
  if (who.corpId) return ctx.index.findMember(who.corpId, who.userid)?.user
  for (const corpId of [...preferCorpIds, ...ctx.index.fixture.corps.map((c) => c.corpId)]) {
    const found = corpId && ctx.index.findMember(corpId, who.userid)
    if (found) return found.user
  }
  return undefined
}

function withParams(redirectUri: string, params: [string, string][]): string {
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${query}`
}

/** Records a scan on the phone: the page shows "扫描成功，请在手机上确认". */
export function markScanned(session: QrSession, user: EmulatorUser): void {
  session.status = 'scanned'
  session.scannedBy = user.unionId
}

/**
 * The user confirms on the phone. With the `corpid` scope (or an exclusive/management login) the user must belong to
 * a fitting org, otherwise the login fails like DingTalk's "你不在组织内". On success an OAuth code is issued.
 */
export function approveSession(
  ctx: EmulatorContext,
  session: QrSession,
  user: EmulatorUser,
  corpId?: string,
): string | undefined {
  markScanned(session, user)
  const wantsCorp = scopesOf(session.scope).includes('corpid')
  let candidates = user.memberships.filter((m) => m.active || !wantsCorp)
  if (session.exclusiveCorpId) candidates = candidates.filter((m) => m.corpId === session.exclusiveCorpId)
  if (wantsCorp && session.orgType === 'management') candidates = candidates.filter((m) => m.admin)
  let chosen: string | undefined
  if (wantsCorp || session.exclusiveCorpId) {
    const ids = candidates.map((m) => m.corpId)
    chosen = [corpId, session.corpId, ...ids].find((id) => id !== undefined && ids.includes(id))
    if (!chosen || (corpId !== undefined && chosen !== corpId)) {
      refuseSession(ctx, session, ctx.options.iframeErrors.notInCorp)
      return undefined
    }
  }
  const issued = ctx.codes.issue(
    {
      kind: 'oauth',
      clientId: session.clientId,
      unionId: user.unionId,
      corpId: wantsCorp ? chosen : undefined,
      scope: session.scope,
    },
    ctx.options.oauthCodeTtlMs,
  )
  const style = session.mode === 'page' ? ctx.options.callbackParams : ctx.options.iframeCallbackParams
  const params: [string, string][] =
    style === 'both'
      ? [
          ['code', issued.code],
          ['authCode', issued.code],
        ]
      : [['authCode', issued.code]]
  if (session.state !== undefined) params.push(['state', session.state])
  session.status = 'approved'
  session.redirectUrl = withParams(session.redirectUri, params)
  return issued.code
}

/** The user refuses (or may not log in): the iframe posts the error, the full page redirects with `?error=`. */
export function refuseSession(
  ctx: EmulatorContext,
  session: QrSession,
  error = ctx.options.iframeErrors.refused,
): void {
  const params: [string, string][] = [['error', ctx.options.redirectDenialError]]
  if (session.state !== undefined) params.push(['state', session.state])
  session.status = 'refused'
  session.error = { ...error }
  session.redirectUrl = withParams(session.redirectUri, params)
}
