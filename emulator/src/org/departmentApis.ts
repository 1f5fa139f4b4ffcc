import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorDepartment } from '../fixture/EmulatorFixture'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { authorizedCall, isReply, oapiError, oapiResult } from '../routes/oapiCall'

/** `topapi/v2/department/listsub`, `listsubid` and `get` (organisation doc §1). */

const DEPARTMENT_PERMISSION = ['qyapi_get_department_list']

/**
 * Reads a `dept_id` (a number, or its text from a form or the query): the number, `undefined` when absent, or the
 * error to answer when it is not a deptId.
 */
export function readDeptId(value: unknown): number | undefined | Reply {
  if (value === undefined || value === null || value === '') return undefined
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    return oapiError(400002, '无效的参数：dept_id')
  return n
}

/** The department `dept_id` names in the app's corp, or the error: `40035` without one, `60003` when unknown. */
export function requireDepartment(
  ctx: EmulatorContext,
  corpId: string,
  value: unknown,
  defaultDeptId?: number,
): EmulatorDepartment | Reply {
  const deptId = readDeptId(value) ?? defaultDeptId
  if (isReply(deptId)) return deptId
  if (deptId === undefined) return oapiError(40035, '缺少参数 dept_id')
  return ctx.index.findDepartment(corpId, deptId) ?? oapiError(60003, '部门不存在')
}

function departmentView(department: EmulatorDepartment): Record<string, unknown> {
  return {
    dept_id: department.deptId,
    name: department.name,
    ...(department.parentId !== undefined ? { parent_id: department.parentId } : {}),
    create_dept_group: false,
    auto_add_user: false,
  }
}

/** One level below `dept_id` (default: the root); callers walk the tree themselves. */
export function listSubDepartments(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = authorizedCall(ctx, req, DEPARTMENT_PERMISSION)
  if (isReply(call)) return call
  const parent = requireDepartment(ctx, call.app.corpId, call.fields.dept_id, 1)
  if (isReply(parent)) return parent
  return oapiResult(ctx.index.subDepartments(parent.corpId, parent.deptId).map(departmentView))
}

export function listSubDepartmentIds(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = authorizedCall(ctx, req, DEPARTMENT_PERMISSION)
  if (isReply(call)) return call
  const parent = requireDepartment(ctx, call.app.corpId, call.fields.dept_id)
  if (isReply(parent)) return parent
  const ids = ctx.index.subDepartments(parent.corpId, parent.deptId).map((d) => d.deptId)
  return oapiResult({ dept_id_list: ids })
}

export function getDepartment(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const call = authorizedCall(ctx, req, DEPARTMENT_PERMISSION)
  if (isReply(call)) return call
  const department = requireDepartment(ctx, call.app.corpId, call.fields.dept_id)
  if (isReply(department)) return department
  return oapiResult(departmentView(department))
}
