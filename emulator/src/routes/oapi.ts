import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorApp, EmulatorMembership, EmulatorUser } from '../fixture/EmulatorFixture'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { createAccessToken } from '../ids'
import { getDepartment, listSubDepartmentIds, listSubDepartments } from '../org/departmentApis'
import { listUserIds, listUsers } from '../org/userListApis'
import { userDetail } from '../org/userRecords'
import { authenticate, isReply, oapiError, oapiReply, readCall } from './oapiCall'

export { oapiError, oapiReply }

const KNOWN: Record<string, string[]> = {
  '/gettoken': ['GET', 'POST'],
  '/topapi/v2/user/getuserinfo': ['POST', 'GET'],
  '/topapi/user/getbyunionid': ['POST', 'GET'],
  '/topapi/v2/user/get': ['POST', 'GET'],
  '/user/getuserinfo': ['GET', 'POST'],
  '/topapi/v2/department/listsub': ['POST', 'GET'],
  '/topapi/v2/department/listsubid': ['POST', 'GET'],
  '/topapi/v2/department/get': ['POST', 'GET'],
  '/topapi/v2/user/list': ['POST', 'GET'],
  '/topapi/user/listid': ['POST', 'GET'],
}

/** The organisation's directory (org/): one handler per path. */
const DIRECTORY: Record<string, (ctx: EmulatorContext, req: EmulatorRequest) => Reply> = {
  '/topapi/v2/department/listsub': listSubDepartments,
  '/topapi/v2/department/listsubid': listSubDepartmentIds,
  '/topapi/v2/department/get': getDepartment,
  '/topapi/v2/user/list': listUsers,
  '/topapi/user/listid': listUserIds,
}

/** Endpoint key for stats and faults: `'<METHOD> <path>'` for every oapi call, known or not. */
export function oapiEndpointKey(method: string, path: string): string {
  return `${method} ${path}`
}

/** True when the path belongs to the oapi host (known endpoints, any `/topapi/...`, the legacy `/user/...`). */
export function isOapiPath(path: string): boolean {
  return path in KNOWN || path.startsWith('/topapi/')
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')

function noPermission(): Reply {
  return oapiError(60011, '没有调用该接口的权限')
}

function gettoken(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const withId = (fields: Record<string, unknown>) =>
    ctx.options.gettokenRequestId ? oapiReply(fields) : jsonReply(200, fields)
  // DingTalk: gettoken reads the query only; credentials in a body count as missing.
  const appkey = req.query.get('appkey') ?? req.query.get('corpid')
  const appsecret = req.query.get('appsecret') ?? req.query.get('corpsecret')
  if (!appkey || !appsecret) return withId({ errcode: 40035, errmsg: '缺少参数 corpid or appkey' })
  const app = ctx.index.findApp(appkey)
  if (!app || !app.published || app.clientSecret !== appsecret) {
    return withId({ errcode: 40096, errmsg: '不合法的appKey或appSecret' })
  }
  const token = ctx.tokens.issueAppToken(app.clientId, 'oapi', ctx.options.accessTokenTtlMs)
  return withId({
    errcode: 0,
    access_token: token.token,
    errmsg: 'ok',
    expires_in: Math.round(ctx.options.accessTokenTtlMs / 1000),
  })
}

function sysLevel(m: EmulatorMembership): number {
  return m.sysLevel ?? (m.boss ? 100 : m.admin ? 1 : 0)
}

/** DingTalk's answer for a person outside the app's visible range (`outOfScopeError`, 50002 by default). */
function outOfRange(ctx: EmulatorContext): Reply {
  return oapiError(ctx.options.outOfScopeError.errcode, ctx.options.outOfScopeError.errmsg)
}

/** Resolves a free-login code for this app's corp: the shared step of both getuserinfo endpoints. */
function consumeFreeLoginCode(
  ctx: EmulatorContext,
  app: EmulatorApp,
  code: unknown,
): { user: EmulatorUser; membership: EmulatorMembership } | undefined {
  // DingTalk: a code is only known to its own corp, and an OAuth authCode is not a free-login code (40078).
  const issued = ctx.codes.consume(
    code,
    (c) =>
      c.kind === 'freeLogin' &&
      c.corpId === app.corpId &&
      (!c.clientId || ctx.index.findApp(c.clientId)?.corpId === app.corpId),
  )
  const user = issued && ctx.index.findUser(issued.unionId)
  const membership = user && ctx.index.membershipOf(user, app.corpId)
  return user && membership ? { user, membership } : undefined
}

function getUserInfo(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = readCall(req)
  const app = authenticate(ctx, call)
  if (isReply(app)) return app
  const permission = ctx.options.getUserInfoPermission
  if (permission && !app.permissions.includes(permission)) return noPermission()
  if (!str(call.fields.code)) return oapiError(40035, '缺少参数 code')
  const found = consumeFreeLoginCode(ctx, app, call.fields.code)
  if (!found) return oapiError(40078, '不存在的临时授权码')
  const { user, membership } = found
  if (!ctx.index.isVisible(app, membership.userid)) return outOfRange(ctx)
  const level = sysLevel(membership)
  return oapiReply({
    errcode: 0,
    errmsg: 'ok',
    result: {
      userid: membership.userid,
      unionid: user.unionId,
      associated_unionid: user.unionId,
      device_id: createAccessToken(),
      sys: level === 1 || level === 2 || membership.admin,
      sys_level: level,
      name: membership.name,
    },
  })
}

function legacyGetUserInfo(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = readCall(req)
  const app = authenticate(ctx, call)
  if (isReply(app)) return app
  if (!str(call.fields.code)) return oapiError(40035, '缺少参数 code')
  const found = consumeFreeLoginCode(ctx, app, call.fields.code)
  if (!found) {
    return oapiError(
      ctx.options.legacyInvalidCodeErrcode,
      ctx.options.legacyInvalidCodeErrcode === 40029 ? 'invalid code' : '不存在的临时授权码',
    )
  }
  const { user, membership } = found
  if (!ctx.index.isVisible(app, membership.userid)) return outOfRange(ctx)
  const level = sysLevel(membership)
  // DingTalk: the legacy endpoint answers at the top level with mixed naming, exactly as below.
  return oapiReply({
    errcode: 0,
    errmsg: 'ok',
    userid: membership.userid,
    deviceId: createAccessToken(),
    is_sys: level === 1 || level === 2 || membership.admin,
    sys_level: level,
    associatedUnionId: user.unionId,
  })
}

function getByUnionId(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = readCall(req)
  const app = authenticate(ctx, call)
  if (isReply(app)) return app
  if (!app.permissions.includes('qyapi_get_member')) return noPermission()
  const unionid = str(call.fields.unionid)
  if (!unionid) return oapiError(40035, '缺少参数 unionid')
  const user = ctx.index.findUser(unionid)
  const membership = user && ctx.index.membershipOf(user, app.corpId)
  if (!membership) return oapiError(60121, '找不到该用户')
  // The docs name 50002 for v2/user/get only and say every corp-scoped call needs the person inside the app's
  // visible range; getbyunionid is one (it names a corp userid), so it answers as v2/user/get does. A stranger
  // or a leaver has no userid in the corp to check: 60121, as documented.
  if (!ctx.index.isVisible(app, membership.userid)) return outOfRange(ctx)
  return oapiReply({
    errcode: 0,
    errmsg: 'ok',
    result: { contact_type: membership.contactType ?? 0, userid: membership.userid },
  })
}

function getUser(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = readCall(req)
  const app = authenticate(ctx, call)
  if (isReply(app)) return app
  if (!app.permissions.includes('qyapi_get_member')) return noPermission()
  const userid = str(call.fields.userid)
  if (!userid) return oapiError(40035, '缺少参数 userid')
  // DingTalk (organisation doc §2): someone who left answers 60121, or 50002 when outside the app's visible range,
  // so the range is checked before the person is looked up.
  if (!ctx.index.isVisible(app, userid)) return outOfRange(ctx)
  const found = ctx.index.findMember(app.corpId, userid)
  if (!found) return oapiError(60121, '找不到该用户')
  return oapiReply({ errcode: 0, errmsg: 'ok', result: userDetail(ctx, app, found) })
}

/** `oapi.dingtalk.com`: gettoken, topapi and the legacy user endpoints. */
export function handleOapi(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const { path, method } = req
  const methods = KNOWN[path]
  if (methods && methods.includes(method)) {
    const directory = DIRECTORY[path]
    if (directory) return directory(ctx, req)
    if (path === '/gettoken') return gettoken(ctx, req)
    if (path === '/topapi/v2/user/getuserinfo') return getUserInfo(ctx, req)
    if (path === '/topapi/user/getbyunionid') return getByUnionId(ctx, req)
    if (path === '/topapi/v2/user/get') return getUser(ctx, req)
    return legacyGetUserInfo(ctx, req)
  }
  if (path.startsWith('/topapi/')) {
    // DingTalk: topapi maps the path to a TOP method name and rejects unknown ones with errcode 22.
    const apiName = `dingtalk.oapi.${path.slice('/topapi/'.length).replace(/\//g, '.')}`
    const subMsg = `不合法ApiName，ApiName = ${apiName}`
    return oapiReply({ errcode: 22, sub_msg: subMsg, errmsg: `Invalid method[submsg=${subMsg}]` })
  }
  return jsonReply(200, { errcode: 404, errmsg: '请求的URI地址不存在' })
}

/** The app an oapi call belongs to, for stats: from the query credentials or the token. */
export function oapiCallerApp(ctx: EmulatorContext, req: EmulatorRequest): string | undefined {
  const { tokenValue } = readCall(req)
  const token = ctx.tokens.findToken(tokenValue)
  if (token) return token.clientId
  return ctx.index.findApp(req.query.get('appkey'))?.clientId
}
