import type { EmulatorContext } from '../EmulatorContext'
import type { CorpMember } from '../fixture/createFixtureIndex'
import type { EmulatorApp, EmulatorDepartment } from '../fixture/EmulatorFixture'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { authorizedCall, isReply, oapiError, oapiResult } from '../routes/oapiCall'
import { requireDepartment } from './departmentApis'
import { userListEntry } from './userRecords'

/** `topapi/v2/user/list` (cursor paging) and `topapi/user/listid` (organisation doc §1). */

/**
 * The people directly in a department whom the app may see. The docs exempt only `listsubid` from the app's range,
 * so the people lists keep to it, but they do not say how. The emulator's choice: leave out whom the app may not
 * see, as a range of people hides them from every corp-scoped read. Its range holds people only, so no department
 * is ever outside it (DingTalk's `50004` for a department outside a range of departments is not modelled).
 */
function visibleMembers(
  ctx: EmulatorContext,
  app: EmulatorApp,
  department: EmulatorDepartment,
): readonly CorpMember[] {
  const members = ctx.index.departmentMembers(department.corpId, department.deptId)
  if (!app.visibleUserids) return members
  return members.filter((member) => ctx.index.isVisible(app, member.membership.userid))
}

const MAX_SIZE = 100
const ORDER_FIELDS = ['entry_asc', 'entry_desc', 'modify_asc', 'modify_desc', 'custom']

function readWholeNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/**
 * The people directly in `dept_id` (not in its sub-departments), `size` (≤ 100) at a time. The cursor is an
 * offset, as DingTalk's is: someone who joins or leaves between pages shifts the rest.
 */
export function listUsers(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = authorizedCall(ctx, req, ctx.options.userListPermissions)
  if (isReply(call)) return call
  const { app, fields } = call
  const department = requireDepartment(ctx, app.corpId, fields.dept_id)
  if (isReply(department)) return department
  for (const name of ['cursor', 'size']) {
    if (fields[name] === undefined || fields[name] === '') return oapiError(40035, `缺少参数 ${name}`)
  }
  const cursor = readWholeNumber(fields.cursor)
  if (cursor === undefined) return oapiError(400002, '无效的参数：cursor')
  const size = readWholeNumber(fields.size)
  if (size === undefined || size < 1 || size > MAX_SIZE)
    return oapiError(400002, `无效的参数：size（1–${MAX_SIZE}）`)
  const orderField = fields.order_field
  if (orderField !== undefined && !ORDER_FIELDS.includes(String(orderField)))
    return oapiError(400002, '无效的参数：order_field')

  let members = visibleMembers(ctx, app, department)
  if (orderField === 'entry_asc' || orderField === 'entry_desc') {
    const sign = orderField === 'entry_asc' ? 1 : -1
    members = [...members].sort(
      (a, b) => sign * ((a.membership.hiredDate ?? 0) - (b.membership.hiredDate ?? 0)),
    )
  }
  const page = members.slice(cursor, cursor + size)
  const hasMore = cursor + size < members.length
  return oapiResult({
    has_more: hasMore,
    ...(hasMore ? { next_cursor: cursor + size } : {}),
    list: page.map((member) => userListEntry(ctx, app, member, department.deptId)),
  })
}

/** Every userid directly in `dept_id`, unpaged. */
export function listUserIds(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = authorizedCall(ctx, req, ctx.options.userListPermissions)
  if (isReply(call)) return call
  const department = requireDepartment(ctx, call.app.corpId, call.fields.dept_id)
  if (isReply(department)) return department
  const members = visibleMembers(ctx, call.app, department)
  return oapiResult({ userid_list: members.map((m) => m.membership.userid) })
}
