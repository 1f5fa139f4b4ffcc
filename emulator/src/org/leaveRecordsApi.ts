import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import { authenticateApp, permissionDenied, v1Error } from '../routes/v1Call'
import type { LeaveRecord } from './createLeaveRecordStore'

/** `GET /v1.0/contact/empLeaveRecords` (organisation doc §2): who left the app's corp in a time window. */

const MAX_RESULTS = 50
const MAX_WINDOW_MS = 365 * 24 * 3_600_000
const isReply = (v: unknown): v is Reply => typeof v === 'object' && v !== null && 'status' in v

const invalid = (message: string) => v1Error(400, 'invalidParameter', message)
const missing = (name: string) => v1Error(400, `Missing${name}`, `${name} is mandatory for this action.`)

/**
 * ISO 8601 text → epoch ms. A time without a zone (the SDK's own example, `2020-07-10T00:00:00`) is read as China
 * time, UTC+8, not as the emulator machine's zone.
 */
function parseTime(text: string, name: string): number | Reply {
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text)
  if (!iso) return invalid(`${name} 不是合法的时间，应为 ISO 8601，例如 2020-07-10T00:00:00Z`)
  const withZone = iso[4] ? text : `${iso[1] ? text : `${text}T00:00:00`}+08:00`
  const ms = Date.parse(withZone)
  return Number.isNaN(ms) ? invalid(`${name} 不是合法的时间`) : ms
}

/** `2021-01-06T11:47:37Z`: seconds, UTC, as the SDK's example shows. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

// The token is an opaque 16-hex-digit text like DingTalk's (`DCCD7A656FFA6F07`); here it carries the offset.
const encodeToken = (offset: number) => offset.toString(16).toUpperCase().padStart(16, '0')
const decodeToken = (token: string) => (/^[0-9A-F]{16}$/.test(token) ? parseInt(token, 16) : undefined)

function recordView(record: LeaveRecord): Record<string, unknown> {
  return {
    userId: record.userId,
    name: record.name,
    stateCode: record.stateCode,
    mobile: record.mobile,
    leaveTime: isoSeconds(record.leaveTime),
    leaveReason: record.leaveReason,
    deptIds: record.deptIds,
  }
}

export function listEmpLeaveRecords(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const app = authenticateApp(ctx, req)
  if (isReply(app)) return app
  const permission = ctx.options.leaveRecordsPermission
  if (!app.permissions.includes(permission)) return permissionDenied([permission])

  const startText = req.query.get('startTime')
  if (!startText) return missing('startTime')
  const maxText = req.query.get('maxResults')
  if (!maxText) return missing('maxResults')
  const maxResults = /^\d+$/.test(maxText) ? Number(maxText) : NaN
  if (!(maxResults >= 1 && maxResults <= MAX_RESULTS))
    return invalid(`maxResults 的取值范围为 1–${MAX_RESULTS}`)
  const startMs = parseTime(startText, 'startTime')
  if (isReply(startMs)) return startMs
  const endText = req.query.get('endTime')
  const endMs = endText ? parseTime(endText, 'endTime') : ctx.clock.now()
  if (isReply(endMs)) return endMs
  if (endMs < startMs) return invalid('endTime 不能早于 startTime')
  if (endMs - startMs > MAX_WINDOW_MS) return invalid('查询时间范围不能超过365天')
  const nextToken = req.query.get('nextToken')
  const offset = nextToken ? decodeToken(nextToken) : 0
  if (offset === undefined) return invalid('nextToken 不合法')

  const records = ctx.leaveRecords.between(app.corpId, startMs, endMs)
  const page = records.slice(offset, offset + maxResults)
  const more = offset + maxResults < records.length
  return jsonReply(200, {
    ...(more ? { nextToken: encodeToken(offset + maxResults) } : {}),
    records: page.map(recordView),
  })
}
