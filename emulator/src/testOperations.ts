import type { EmulatorContext } from './EmulatorContext'
import { approveSession, findScanUser, markScanned, refuseSession, scopesOf } from './loginFlow'
import { EmulatorTestApiError } from './EmulatorTestApiError'
import type { QrSession } from './state/createQrSessionStore'
import { optionalString, requiredString } from './testApiInput'

export { EmulatorTestApiError }

/** Input of `POST /__emulator/oauth-code` / `emulator.mintOAuthCode`. */
export interface MintOAuthCodeInput {
  clientId: string
  /** The user's userid in `corpId` (default: the app's corp); or give `unionId`. */
  userid?: string
  unionId?: string
  /** @default 'openid' */
  scope?: string
  /** The org chosen at login (returned as `corpId` by userAccessToken with the `corpid` scope). */
  corpId?: string
}

/** Input of `POST /__emulator/free-login-code` / `emulator.mintFreeLoginCode`. */
export interface MintFreeLoginCodeInput {
  /** The corp the page asked for (`requestAuthCode({ corpId })`). */
  corpId: string
  /** The user's userid, in `userCorpId` if given, else in `corpId`; or give `unionId`. */
  userid?: string
  unionId?: string
  userCorpId?: string
  /** The app (`requestAuthCode({ clientId })`); must belong to `corpId`. */
  clientId?: string
}

/** Input of `POST /__emulator/scan` / `emulator.scan`. */
export interface ScanInput {
  /** A QR session id; else the newest pending session of `clientId`; else the newest pending session. */
  session?: string
  clientId?: string
  /** Who scans: a corp userid (in `corpId`, else any corp) or a unionId. */
  userid?: string
  unionId?: string
  /** The org to log in with (`corpid` scope); default: the page's `corpId`, else the user's first fitting org. */
  corpId?: string
  /** true: confirm, false: refuse, absent: only scan (the page shows "请在手机上确认"). */
  approve?: boolean
}

/** A minted code. */
export interface MintedCode {
  code: string
  expiresAt: number
}

/** What a scan did. */
export interface ScanResult {
  session: string
  status: QrSession['status']
  /** The URL the page posts (iframe) or navigates to (full page), once approved or refused. */
  redirectUrl?: string
  /** The OAuth authCode, when approved. */
  code?: string
  error?: { errorCode: number; errorMsg: string }
}

/** A QR session as the test API shows it. */
export interface QrSessionView {
  id: string
  mode: 'iframe' | 'page'
  clientId: string
  appName: string | undefined
  redirectUri: string
  state: string | undefined
  scope: string
  corpId: string | undefined
  status: QrSession['status']
  scannedBy: string | undefined
  createdAt: number
  expiresAt: number
  redirectUrl?: string
  error?: { errorCode: number; errorMsg: string }
}

export function mintOAuthCode(ctx: EmulatorContext, raw: Record<string, unknown>): MintedCode {
  const clientId = requiredString(raw, 'clientId')
  const app = ctx.index.findApp(clientId)
  if (!app) throw new EmulatorTestApiError(404, 'app_not_found', `no app with clientId ${clientId}`)
  const scope = optionalString(raw, 'scope') ?? 'openid'
  const corpId = optionalString(raw, 'corpId')
  const unionId = optionalString(raw, 'unionId')
  const userid = optionalString(raw, 'userid')
  if (!unionId && !userid)
    throw new EmulatorTestApiError(400, 'invalid_request', 'userid or unionId is required')
  const user = unionId
    ? ctx.index.findUser(unionId)
    : ctx.index.findMember(corpId ?? app.corpId, userid)?.user
  if (!user)
    throw new EmulatorTestApiError(
      404,
      'user_not_found',
      `no user ${unionId ?? userid} in ${corpId ?? app.corpId}`,
    )
  let codeCorpId: string | undefined
  if (scopesOf(scope).includes('corpid')) {
    codeCorpId =
      corpId ?? (ctx.index.membershipOf(user, app.corpId) ? app.corpId : user.memberships[0]?.corpId)
    if (!codeCorpId || !ctx.index.membershipOf(user, codeCorpId)) {
      throw new EmulatorTestApiError(400, 'not_in_corp', '操作失败，你不在组织内')
    }
  }
  const issued = ctx.codes.issue(
    { kind: 'oauth', clientId, unionId: user.unionId, corpId: codeCorpId, scope },
    ctx.options.oauthCodeTtlMs,
  )
  return { code: issued.code, expiresAt: issued.expiresAt }
}

export function mintFreeLoginCode(ctx: EmulatorContext, raw: Record<string, unknown>): MintedCode {
  const corpId = requiredString(raw, 'corpId')
  if (!ctx.index.findCorp(corpId)) throw new EmulatorTestApiError(404, 'corp_not_found', `no corp ${corpId}`)
  const unionId = optionalString(raw, 'unionId')
  const userid = optionalString(raw, 'userid')
  const userCorpId = optionalString(raw, 'userCorpId') ?? corpId
  const clientId = optionalString(raw, 'clientId')
  if (!unionId && !userid)
    throw new EmulatorTestApiError(400, 'invalid_request', 'userid or unionId is required')
  const user = unionId ? ctx.index.findUser(unionId) : ctx.index.findMember(userCorpId, userid)?.user
  if (!user)
    throw new EmulatorTestApiError(404, 'user_not_found', `no user ${unionId ?? userid} in ${userCorpId}`)
  if (!ctx.index.membershipOf(user, corpId)) {
    throw new EmulatorTestApiError(403, 'not_in_corp', `${user.nick} is not a member of ${corpId}`)
  }
  if (clientId !== undefined) {
    const app = ctx.index.findApp(clientId)
    if (!app) throw new EmulatorTestApiError(404, 'app_not_found', `no app with clientId ${clientId}`)
    if (app.corpId !== corpId)
      throw new EmulatorTestApiError(403, 'app_not_in_corp', `app ${clientId} does not belong to ${corpId}`)
  }
  const issued = ctx.codes.issue(
    { kind: 'freeLogin', clientId, unionId: user.unionId, corpId, scope: '' },
    ctx.options.freeLoginCodeTtlMs,
  )
  return { code: issued.code, expiresAt: issued.expiresAt }
}

export function viewSession(ctx: EmulatorContext, s: QrSession): QrSessionView {
  return {
    id: s.id,
    mode: s.mode,
    clientId: s.clientId,
    appName: ctx.index.findApp(s.clientId)?.name,
    redirectUri: s.redirectUri,
    state: s.state,
    scope: s.scope,
    corpId: s.corpId,
    status: s.status,
    scannedBy: s.scannedBy,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    ...(s.redirectUrl ? { redirectUrl: s.redirectUrl } : {}),
    ...(s.error ? { error: s.error } : {}),
  }
}

export function scan(ctx: EmulatorContext, raw: Record<string, unknown>): ScanResult {
  const sessionId = optionalString(raw, 'session')
  const clientId = optionalString(raw, 'clientId')
  const corpId = optionalString(raw, 'corpId')
  if (raw.approve !== undefined && typeof raw.approve !== 'boolean') {
    throw new EmulatorTestApiError(400, 'invalid_request', 'approve must be a boolean')
  }
  const session = sessionId ? ctx.sessions.get(sessionId) : ctx.sessions.pending(clientId)[0]
  if (!session) {
    throw new EmulatorTestApiError(
      404,
      'session_not_found',
      sessionId ? `no QR session ${sessionId}` : 'no pending QR session',
    )
  }
  if (session.status === 'expired')
    throw new EmulatorTestApiError(410, 'session_expired', 'the QR code has expired')
  if (session.status !== 'pending' && session.status !== 'scanned') {
    throw new EmulatorTestApiError(409, 'session_finished', `the QR session is already ${session.status}`)
  }
  const who = { userid: optionalString(raw, 'userid'), unionId: optionalString(raw, 'unionId'), corpId }
  if (!who.userid && !who.unionId)
    throw new EmulatorTestApiError(400, 'invalid_request', 'userid or unionId is required')
  const app = ctx.index.findApp(session.clientId)
  const user = findScanUser(ctx, { ...who, corpId: who.unionId ? undefined : corpId }, [
    session.corpId,
    app?.corpId,
  ])
  if (!user) throw new EmulatorTestApiError(404, 'user_not_found', `no user ${who.unionId ?? who.userid}`)
  let code: string | undefined
  if (raw.approve === true) code = approveSession(ctx, session, user, corpId)
  else if (raw.approve === false) {
    markScanned(session, user)
    refuseSession(ctx, session)
  } else markScanned(session, user)
  return {
    session: session.id,
    status: session.status,
    ...(session.redirectUrl ? { redirectUrl: session.redirectUrl } : {}),
    ...(code ? { code } : {}),
    ...(session.error ? { error: session.error } : {}),
  }
}
