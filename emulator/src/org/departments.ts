import type { EmulatorContext } from '../EmulatorContext'
import { EmulatorTestApiError } from '../EmulatorTestApiError'
import type { EmulatorDepartment } from '../fixture/EmulatorFixture'
import {
  optionalInteger,
  optionalString,
  rejectUnknownFields,
  requiredInteger,
  requiredString,
} from '../testApiInput'

/** Input of `POST /__emulator/org/departments` / `emulator.createDepartment`. */
export interface CreateDepartmentInput {
  corpId: string
  name: string
  /** @default 1 (directly under the root) */
  parentId?: number
  /** Default: the corp's highest deptId + 1. */
  deptId?: number
}

/** Input of `PATCH /__emulator/org/departments` / `emulator.modifyDepartment`. */
export interface ModifyDepartmentInput {
  corpId: string
  deptId: number
  name?: string
  /** Moves the department (not the root; not under itself or one of its own sub-departments). */
  parentId?: number
}

/** Input of `DELETE /__emulator/org/departments` / `emulator.removeDepartment`. */
export interface RemoveDepartmentInput {
  corpId: string
  deptId: number
}

function requireDepartment(ctx: EmulatorContext, corpId: string, deptId: number): EmulatorDepartment {
  if (!ctx.index.findCorp(corpId)) throw new EmulatorTestApiError(404, 'corp_not_found', `no corp ${corpId}`)
  const department = ctx.index.findDepartment(corpId, deptId)
  if (!department)
    throw new EmulatorTestApiError(404, 'department_not_found', `no department ${deptId} in ${corpId}`)
  return department
}

function publish(
  ctx: EmulatorContext,
  eventType: 'org_dept_create' | 'org_dept_modify' | 'org_dept_remove',
  department: EmulatorDepartment,
): void {
  ctx.events.publish({
    eventType,
    corpId: department.corpId,
    bornTime: ctx.clock.now(),
    deptIds: [department.deptId],
  })
}

/** A new department: `org_dept_create`. */
export function createDepartment(ctx: EmulatorContext, raw: Record<string, unknown>): { deptId: number } {
  rejectUnknownFields(raw, ['corpId', 'name', 'parentId', 'deptId'])
  const corpId = requiredString(raw, 'corpId')
  const name = requiredString(raw, 'name')
  const parent = requireDepartment(ctx, corpId, optionalInteger(raw, 'parentId') ?? 1)
  let deptId = optionalInteger(raw, 'deptId')
  if (deptId !== undefined) {
    if (deptId < 2)
      throw new EmulatorTestApiError(400, 'invalid_request', 'deptId must be >= 2 (1 is the root)')
    if (ctx.index.findDepartment(corpId, deptId))
      throw new EmulatorTestApiError(
        409,
        'department_exists',
        `department ${deptId} already exists in ${corpId}`,
      )
  }
  deptId ??= ctx.index.maxDeptId(corpId) + 1
  const department: EmulatorDepartment = { corpId, deptId, name, parentId: parent.deptId }
  ctx.index.addDepartment(department)
  publish(ctx, 'org_dept_create', department)
  return { deptId }
}

/** Renames or moves a department: `org_dept_modify`. */
export function modifyDepartment(ctx: EmulatorContext, raw: Record<string, unknown>): { deptId: number } {
  rejectUnknownFields(raw, ['corpId', 'deptId', 'name', 'parentId'])
  const corpId = requiredString(raw, 'corpId')
  const department = requireDepartment(ctx, corpId, requiredInteger(raw, 'deptId'))
  const name = optionalString(raw, 'name')
  const parentId = optionalInteger(raw, 'parentId')
  if (name === undefined && parentId === undefined)
    throw new EmulatorTestApiError(400, 'invalid_request', 'nothing to change (fields: name, parentId)')
  if (parentId !== undefined) {
    if (department.deptId === 1)
      throw new EmulatorTestApiError(400, 'invalid_request', 'the root department (1) has no parent')
    requireDepartment(ctx, corpId, parentId)
    // Walk up from the new parent: reaching the department itself would make a loop.
    for (let id: number | undefined = parentId; id !== undefined;) {
      if (id === department.deptId) {
        throw new EmulatorTestApiError(
          400,
          'invalid_request',
          `department ${department.deptId} cannot move under itself or its own sub-department ${parentId}`,
        )
      }
      id = ctx.index.findDepartment(corpId, id)?.parentId
    }
  }
  ctx.index.updateDepartment(department, { name, parentId })
  publish(ctx, 'org_dept_modify', department)
  return { deptId: department.deptId }
}

/** Removes an empty department (DingTalk refuses to delete one with people or sub-departments): `org_dept_remove`. */
export function removeDepartment(ctx: EmulatorContext, raw: Record<string, unknown>): { deptId: number } {
  rejectUnknownFields(raw, ['corpId', 'deptId'])
  const corpId = requiredString(raw, 'corpId')
  const department = requireDepartment(ctx, corpId, requiredInteger(raw, 'deptId'))
  if (department.deptId === 1)
    throw new EmulatorTestApiError(400, 'invalid_request', 'the root department (1) cannot be removed')
  const people = ctx.index.departmentMembers(corpId, department.deptId).length
  const subDepartments = ctx.index.subDepartments(corpId, department.deptId).length
  if (people > 0 || subDepartments > 0) {
    throw new EmulatorTestApiError(
      409,
      'department_not_empty',
      `department ${department.deptId} still has ${people} people and ${subDepartments} sub-departments; move or remove them first`,
    )
  }
  ctx.index.removeDepartment(department)
  publish(ctx, 'org_dept_remove', department)
  return { deptId: department.deptId }
}
