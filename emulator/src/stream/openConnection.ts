import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import { parseBody } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { createV1RequestId } from '../ids'
import { v1Error } from '../routes/v1'
import type { TicketStore } from './createTicketStore'

export const OPEN_CONNECTION_PATH = '/v1.0/gateway/connections/open'
/** The WebSocket path on the emulator's own server (DingTalk's is `wss://wss-open-connection.dingtalk.com/connect`). */
export const STREAM_CONNECT_PATH = '/connect'

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** Without `Accept: application/json` the gateway answers XML (the SDK's comment: "否则默认返回的会是xml"). */
function wantsJson(req: EmulatorRequest): boolean {
  return String(req.headers.accept ?? '')
    .toLowerCase()
    .includes('application/json')
}

function xmlReply(status: number, root: string, fields: Record<string, string>): Reply {
  const body = Object.entries(fields)
    .map(([key, value]) => `<${key}>${escapeXml(value)}</${key}>`)
    .join('')
  return {
    status,
    headers: { 'content-type': 'application/xml;charset=utf-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?><${root}>${body}</${root}>`,
  }
}

function error(req: EmulatorRequest, status: number, code: string, message: string): Reply {
  if (wantsJson(req)) return v1Error(status, code, message)
  return xmlReply(status, 'Error', { code, message, requestid: createV1RequestId() })
}

interface Subscription {
  type: 'EVENT' | 'CALLBACK'
  topic: string
}

function readSubscriptions(value: unknown): Subscription[] | string {
  if (!Array.isArray(value) || value.length === 0) return 'subscriptions must be a non-empty array'
  const out: Subscription[] = []
  for (const item of value as unknown[]) {
    const { type, topic } = (item ?? {}) as { type?: unknown; topic?: unknown }
    if ((type !== 'EVENT' && type !== 'CALLBACK') || typeof topic !== 'string' || topic === '')
      return 'each subscription is { type: "EVENT" | "CALLBACK", topic }'
    // Which events arrive is chosen in the console: an EVENT subscription takes only the topic '*'.
    if (type === 'EVENT' && topic !== '*') return 'an EVENT subscription takes only the topic "*"'
    out.push({ type, topic })
  }
  return out
}

/** `POST /v1.0/gateway/connections/open`: checks the app's credentials and hands out a single-use ticket. */
export function openConnection(
  ctx: EmulatorContext,
  tickets: TicketStore,
  ticketTtlMs: number,
  req: EmulatorRequest,
): Reply {
  const parsed = parseBody(req)
  const body =
    parsed.type === 'json' && typeof parsed.value === 'object' && parsed.value && !Array.isArray(parsed.value)
      ? (parsed.value as Record<string, unknown>)
      : undefined
  if (!body) {
    const spec = ctx.options.v1MissingBody
    return error(req, spec.status, spec.code, spec.message)
  }
  for (const name of ['clientId', 'clientSecret']) {
    if (typeof body[name] !== 'string' || body[name] === '')
      return error(req, 400, `Missing${name}`, `${name} is mandatory for this action.`)
  }
  const app = ctx.index.findApp(body.clientId)
  if (!app || !app.published || app.clientSecret !== body.clientSecret)
    return error(req, 400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret')
  const subscriptions = readSubscriptions(body.subscriptions)
  if (typeof subscriptions === 'string')
    return error(req, 400, 'invalidParameter.subscriptions', subscriptions)
  const issued = tickets.issue(
    {
      clientId: app.clientId,
      events: subscriptions.some((s) => s.type === 'EVENT'),
      ua: typeof body.ua === 'string' ? body.ua : undefined,
      localIp: typeof body.localIp === 'string' ? body.localIp : undefined,
    },
    ticketTtlMs,
  )
  const endpoint = `${req.baseUrl.replace(/^http/, 'ws')}${STREAM_CONNECT_PATH}`
  if (wantsJson(req)) return jsonReply(200, { endpoint, ticket: issued.ticket })
  return xmlReply(200, 'OpenConnectionResponse', { endpoint, ticket: issued.ticket })
}
