import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorApp } from '../fixture/EmulatorFixture'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import { bodyFields, parseBody } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { createOapiRequestId } from '../ids'

/** oapi always answers HTTP 200 with the errcode envelope and a `request_id`. */
export function oapiReply(fields: Record<string, unknown>): Reply {
  return jsonReply(200, { ...fields, request_id: createOapiRequestId() })
}

export function oapiError(errcode: number, errmsg: string, extra: Record<string, unknown> = {}): Reply {
  return oapiReply({ errcode, errmsg, ...extra })
}

/** A successful topapi answer: the data under `result`. */
export function oapiResult(result: unknown): Reply {
  return oapiReply({ errcode: 0, errmsg: 'ok', result })
}

/** DingTalk wraps authentication failures as `errcode 88` with a string `sub_code`. */
function authError(subCode: '40000' | '40014', subMsg: string): Reply {
  return oapiReply({
    errcode: 88,
    sub_code: subCode,
    sub_msg: subMsg,
    errmsg: `ding talk error[subcode=${subCode},submsg=${subMsg}]`,
  })
}

export interface OapiCall {
  fields: Record<string, unknown>
  /** Token from the query, else from an urlencoded body; never from a header (DingTalk: "access_token is blank"). */
  tokenValue: string | null
}

export function readCall(req: EmulatorRequest): OapiCall {
  const body = parseBody(req)
  const fields = { ...Object.fromEntries(req.query), ...bodyFields(body) }
  const tokenValue =
    req.query.get('access_token') || (body.type === 'form' ? body.value.get('access_token') : null) || null
  return { fields, tokenValue }
}

export function authenticate(ctx: EmulatorContext, call: OapiCall): EmulatorApp | Reply {
  if (!call.tokenValue) return authError('40000', 'access_token is blank')
  const token = ctx.tokens.findToken(call.tokenValue)
  // DingTalk: user tokens (from userAccessToken) are not valid on oapi.
  const app = token?.kind === 'app' ? ctx.index.findApp(token.clientId) : undefined
  return app ?? authError('40014', '不合法的access_token')
}

export const isReply = (v: unknown): v is Reply =>
  typeof v === 'object' && v !== null && 'status' in v && 'body' in v

/**
 * The app lacks a permission: `60011`. The directory APIs name the missing one the way DingTalk's newer answers
 * do ("应用尚未开通所需的权限：[qyapi_get_department_list]").
 */
export function missingPermission(app: EmulatorApp, required: readonly string[]): Reply | undefined {
  const missing = required.filter((p) => !app.permissions.includes(p))
  if (missing.length === 0) return undefined
  return oapiError(60011, `应用尚未开通所需的权限：[${missing.join(',')}]`)
}

/** An authenticated call with every permission in `required`: the app and the fields, or the error to answer. */
export function authorizedCall(
  ctx: EmulatorContext,
  req: EmulatorRequest,
  required: readonly string[],
): { app: EmulatorApp; fields: Record<string, unknown> } | Reply {
  const call = readCall(req)
  const app = authenticate(ctx, call)
  if (isReply(app)) return app
  return missingPermission(app, required) ?? { app, fields: call.fields }
}
