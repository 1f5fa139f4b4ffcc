import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import { bodyFields, parseBody } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { listEmpLeaveRecords } from '../org/leaveRecordsApi'
import { ALL_INNER_APPS_PATH, listAllInnerApps } from './innerAppsApi'
import { permissionDenied, v1Error } from './v1Call'

export { v1Error }
import type { V1ErrorSpec } from '../EmulatorOptions'

const LEAVE_RECORDS_PATH = '/v1.0/contact/empLeaveRecords'

const fromSpec = (spec: V1ErrorSpec) => v1Error(spec.status, spec.code, spec.message)

/** Endpoint key for stats and faults, or undefined for an unknown v1.0 path. */
export function v1EndpointKey(method: string, path: string): string | undefined {
  if (method === 'POST' && path === '/v1.0/oauth2/accessToken') return 'POST /v1.0/oauth2/accessToken'
  if (method === 'POST' && path === '/v1.0/oauth2/userAccessToken') return 'POST /v1.0/oauth2/userAccessToken'
  if (method === 'POST' && /^\/v1\.0\/oauth2\/[^/]+\/token$/.test(path))
    return 'POST /v1.0/oauth2/{corpId}/token'
  if (method === 'GET' && /^\/v1\.0\/contact\/users\/[^/]+$/.test(path))
    return 'GET /v1.0/contact/users/{unionId}'
  if (method === 'GET' && path === LEAVE_RECORDS_PATH) return `GET ${LEAVE_RECORDS_PATH}`
  if (method === 'GET' && path === ALL_INNER_APPS_PATH) return `GET ${ALL_INNER_APPS_PATH}`
  return undefined
}

/**
 * DingTalk's gateway reads a JSON body only; a form body or none at all is "body is mandatory". Returns the fields
 * or the error reply.
 */
function jsonBody(ctx: EmulatorContext, req: EmulatorRequest): Record<string, unknown> | Reply {
  const body = parseBody(req)
  const isJsonType = req.mediaType === 'application/json' || req.mediaType === ''
  if (
    body.type !== 'json' ||
    !isJsonType ||
    typeof body.value !== 'object' ||
    body.value === null ||
    Array.isArray(body.value)
  ) {
    return fromSpec(ctx.options.v1MissingBody)
  }
  return bodyFields(body)
}

/** Gateway convention for a required parameter that is absent: `Missing<name>` / "<name> is mandatory for this action." */
function missing(name: string): Reply {
  return v1Error(400, `Missing${name}`, `${name} is mandatory for this action.`)
}

function isMember(ctx: EmulatorContext, unionId: string, corpId: string): boolean {
  const user = ctx.index.findUser(unionId)
  return user !== undefined && ctx.index.membershipOf(user, corpId) !== undefined
}

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== ''

function appCredentialsValid(ctx: EmulatorContext, clientId: unknown, secret: unknown) {
  const app = ctx.index.findApp(clientId)
  return app && app.published && app.clientSecret === secret ? app : undefined
}

function accessToken(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const fields = jsonBody(ctx, req)
  if ('status' in fields && 'body' in fields) return fields as Reply
  const body = fields as Record<string, unknown>
  if (!isNonEmptyString(body.appKey)) return missing('appKey')
  const app = appCredentialsValid(ctx, body.appKey, body.appSecret)
  if (!app) return v1Error(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret')
  if (!app.permissions.includes('qyapi_base')) {
    return permissionDenied(['qyapi_base'])
  }
  const token = ctx.tokens.issueAppToken(app.clientId, 'v1', ctx.options.accessTokenTtlMs)
  return jsonReply(200, {
    expireIn: Math.round(ctx.options.accessTokenTtlMs / 1000),
    accessToken: token.token,
  })
}

/** The unified variant `/v1.0/oauth2/{corpId}/token` answers in snake_case. */
function corpToken(ctx: EmulatorContext, req: EmulatorRequest, corpId: string): Reply {
  const fields = jsonBody(ctx, req)
  if ('status' in fields && 'body' in fields) return fields as Reply
  const body = fields as Record<string, unknown>
  for (const name of ['client_id', 'client_secret', 'grant_type']) {
    if (!isNonEmptyString(body[name])) return missing(name)
  }
  if (!ctx.index.findCorp(corpId)) return v1Error(500, 'unknownError', '未知错误')
  if (body.grant_type !== 'client_credentials')
    return v1Error(400, 'unsupported.grant.type', '不支持的grant_type')
  const app = appCredentialsValid(ctx, body.client_id, body.client_secret)
  if (!app) return v1Error(400, 'invalid.client', '无效的client_id或client_secret')
  if (app.corpId !== corpId) return v1Error(401, 'unauthorized.client', '应用未获得该组织的授权')
  const token = ctx.tokens.issueAppToken(app.clientId, 'v1', ctx.options.accessTokenTtlMs)
  return jsonReply(200, {
    access_token: token.token,
    expires_in: Math.round(ctx.options.accessTokenTtlMs / 1000),
  })
}

function userAccessToken(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const fields = jsonBody(ctx, req)
  if ('status' in fields && 'body' in fields) return fields as Reply
  const body = fields as Record<string, unknown>
  const { options } = ctx
  if (!isNonEmptyString(body.clientId)) return missing('clientId')
  const app = appCredentialsValid(ctx, body.clientId, body.clientSecret)
  if (!app) return fromSpec(options.userTokenBadClient)

  let grant: { unionId: string; corpId: string | undefined; scope: string }
  if (body.grantType === 'authorization_code') {
    const issued = ctx.codes.consume(
      body.code,
      (c) =>
        c.clientId === app.clientId &&
        (c.kind === 'oauth' || (options.freeLoginCodeForUserToken && c.kind === 'freeLogin')) &&
        // A code bound to an org (corpid scope) dies with the membership: someone who left cannot use it.
        (c.corpId === undefined || isMember(ctx, c.unionId, c.corpId)),
    )
    if (!issued) {
      return v1Error(
        options.authCodeNotFoundStatus,
        'invalidParameter.authCode.notFound',
        '不合法的临时授权码',
      )
    }
    grant = { unionId: issued.unionId, corpId: issued.corpId, scope: issued.scope }
  } else if (body.grantType === 'refresh_token') {
    const refresh = ctx.tokens.findRefreshToken(body.refreshToken, app.clientId)
    if (!refresh) return fromSpec(options.userTokenBadRefreshToken)
    grant = { unionId: refresh.unionId, corpId: refresh.corpId, scope: refresh.scope }
  } else if (body.grantType === undefined || body.grantType === '') {
    return missing('grantType')
  } else {
    return v1Error(400, 'invalidParameter.grantType.invalid', '不合法的grantType')
  }

  const { access, refresh } = ctx.tokens.issueUserToken(
    { clientId: app.clientId, ...grant },
    options.accessTokenTtlMs,
    options.refreshTokenTtlMs,
    options.rotateRefreshToken && body.grantType === 'refresh_token',
  )
  const corpIdScope = grant.scope.split(/[\s+]+/).includes('corpid')
  return jsonReply(200, {
    expireIn: Math.round(options.accessTokenTtlMs / 1000),
    accessToken: access.token,
    refreshToken: refresh.token,
    ...(corpIdScope && grant.corpId ? { corpId: grant.corpId } : {}),
  })
}

function contactUser(ctx: EmulatorContext, req: EmulatorRequest, unionIdParam: string): Reply {
  const header = req.headers['x-acs-dingtalk-access-token']
  const tokenValue = Array.isArray(header) ? header[0] : header
  // DingTalk: the v1.0 gateway reads the token from this header only; `?access_token=` or Bearer count as missing.
  if (!tokenValue)
    return v1Error(400, 'AuthenticationFailed.MissingParameter', '缺少参数：x-acs-dingtalk-access-token')
  const token = ctx.tokens.findToken(tokenValue)
  const invalid = () => v1Error(400, 'InvalidAuthentication', '不合法的access_token')
  if (!token) return invalid()
  const app = ctx.index.findApp(token.clientId)
  if (!app) return invalid()

  let unionId: string
  if (token.kind === 'user') {
    if (unionIdParam !== 'me' && unionIdParam !== token.unionId) {
      return v1Error(404, 'invalidParameter.user.notFound', '找不到该用户')
    }
    unionId = token.unionId
  } else {
    const allowed =
      ctx.options.appTokenForContactUser &&
      (ctx.options.legacyTokenInV1 || token.source === 'v1') &&
      unionIdParam !== 'me'
    if (!allowed) return invalid()
    unionId = unionIdParam
  }
  if (!app.permissions.includes('Contact.User.Read')) {
    return permissionDenied(['Contact.User.Read'])
  }
  const user = ctx.index.findUser(unionId)
  if (!user) return v1Error(404, 'invalidParameter.user.notFound', '找不到该用户')
  const withMobile = app.permissions.includes('Contact.User.mobile')
  return jsonReply(200, {
    nick: user.nick,
    unionId: user.unionId,
    avatarUrl: user.avatarUrl,
    openId: user.openId,
    ...(withMobile && user.mobile ? { mobile: user.mobile } : {}),
    stateCode: user.stateCode,
    ...(user.email ? { email: user.email } : {}),
    ...(user.loginEmail ? { loginEmail: user.loginEmail } : {}),
  })
}

/** `api.dingtalk.com/v1.0/...`: the new API family. */
export function handleV1(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const { method, path } = req
  if (method === 'POST' && path === '/v1.0/oauth2/accessToken') return accessToken(ctx, req)
  if (method === 'POST' && path === '/v1.0/oauth2/userAccessToken') return userAccessToken(ctx, req)
  const corpTokenMatch = method === 'POST' ? /^\/v1\.0\/oauth2\/([^/]+)\/token$/.exec(path) : null
  if (corpTokenMatch) return corpToken(ctx, req, safeDecode(corpTokenMatch[1]!))
  if (method === 'GET' && path === LEAVE_RECORDS_PATH) return listEmpLeaveRecords(ctx, req)
  if (method === 'GET' && path === ALL_INNER_APPS_PATH) return listAllInnerApps(ctx, req)
  const userMatch = method === 'GET' ? /^\/v1\.0\/contact\/users\/([^/]+)$/.exec(path) : null
  if (userMatch) return contactUser(ctx, req, safeDecode(userMatch[1]!))
  return v1Error(
    404,
    'InvalidAction.NotFound',
    'Specified api is not found, please check your url and method.',
  )
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** The app a v1.0 call belongs to, for stats: from the body credentials or the token header. */
export function v1CallerApp(ctx: EmulatorContext, req: EmulatorRequest): string | undefined {
  const header = req.headers['x-acs-dingtalk-access-token']
  const token = ctx.tokens.findToken(Array.isArray(header) ? header[0] : header)
  if (token) return token.clientId
  const body = bodyFields(parseBody(req))
  const id = body.appKey ?? body.clientId ?? body.client_id
  return ctx.index.findApp(id)?.clientId
}
