import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorApp } from '../fixture/EmulatorFixture'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { createV1RequestId } from '../ids'

/** The v1.0 gateway's error body: `{ code, message, requestid }` with an uppercase-hex request id. */
export function v1Error(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): Reply {
  return jsonReply(status, { code, requestid: createV1RequestId(), message, ...extra })
}

const PERMISSION_DENIED_MESSAGE =
  '没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission'

/** 403 naming the missing scopes in `accessdenieddetail.requiredScopes`. */
export function permissionDenied(requiredScopes: string[]): Reply {
  return v1Error(403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied', PERMISSION_DENIED_MESSAGE, {
    accessdenieddetail: { requiredScopes },
  })
}

/** The token of the `x-acs-dingtalk-access-token` header (the only place v1.0 reads it), if any. */
export function headerToken(req: EmulatorRequest): string | undefined {
  const header = req.headers['x-acs-dingtalk-access-token']
  return (Array.isArray(header) ? header[0] : header) || undefined
}

export const missingTokenError = () =>
  v1Error(400, 'AuthenticationFailed.MissingParameter', '缺少参数：x-acs-dingtalk-access-token')
export const invalidTokenError = () => v1Error(400, 'InvalidAuthentication', '不合法的access_token')

/** An app-token call (`authType AK` with an app token): the app, or the error to answer. */
export function authenticateApp(ctx: EmulatorContext, req: EmulatorRequest): EmulatorApp | Reply {
  const tokenValue = headerToken(req)
  if (!tokenValue) return missingTokenError()
  const token = ctx.tokens.findToken(tokenValue)
  const usable = token?.kind === 'app' && (ctx.options.legacyTokenInV1 || token.source === 'v1')
  return (usable && ctx.index.findApp(token.clientId)) || invalidTokenError()
}
