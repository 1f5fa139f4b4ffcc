import { randomInt } from 'node:crypto'
import type { EmulatorContext } from '../EmulatorContext'
import { EmulatorTestApiError } from '../EmulatorTestApiError'
import type { CorpMember } from '../fixture/createFixtureIndex'
import type { EmulatorMembership, EmulatorUser } from '../fixture/EmulatorFixture'
import {
  optionalBoolean,
  optionalDeptIds,
  optionalInteger,
  optionalString,
  rejectUnknownFields,
  requiredString,
} from '../testApiInput'

/** Fields of a person in one corp that a hire sets and a modification changes. */
export interface PersonFields {
  /** Real name in the corp. */
  name?: string
  /** The departments (deptIds of the corp); at least one. */
  deptIds?: number[]
  /** The account's mobile (shared by every corp of the person). */
  mobile?: string
  stateCode?: string
  /** The account's email. */
  email?: string
  title?: string
  jobNumber?: string
  orgEmail?: string
  workPlace?: string
  telephone?: string
  remark?: string
  /** JSON text. */
  extension?: string
  /** Epoch milliseconds. */
  hiredDate?: number
  managerUserid?: string
  active?: boolean
  admin?: boolean
  boss?: boolean
}

/** Input of `POST /__emulator/org/people` / `emulator.hire`. */
export interface HireInput extends PersonFields {
  corpId: string
  name: string
  deptIds: number[]
  /** A known unionId rehires that person (their other corps and account stay); a new one creates the account. */
  unionId?: string
  /** Default: the userid the person had in this corp before (rehire), else a new one. */
  userid?: string
}

/** Input of `PATCH /__emulator/org/people` / `emulator.modifyPerson`. */
export interface ModifyPersonInput extends PersonFields {
  corpId: string
  userid: string
}

/** Input of `POST /__emulator/org/leave` / `emulator.leave`. */
export interface LeaveInput {
  corpId: string
  userid: string
  /** `leaveReason` of the leave record. @default 'oapi' */
  reason?: string
}

/** Who was hired. */
export interface HireResult {
  userid: string
  unionId: string
}

/** Who left, and when (epoch ms on the emulator clock). */
export interface LeaveResult {
  userid: string
  unionId: string
  leaveTime: number
}

const PERSON_FIELDS = [
  'name',
  'deptIds',
  'mobile',
  'stateCode',
  'email',
  'title',
  'jobNumber',
  'orgEmail',
  'workPlace',
  'telephone',
  'remark',
  'extension',
  'hiredDate',
  'managerUserid',
  'active',
  'admin',
  'boss',
] as const

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const randomText = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('')

/** unionIds and openIds look like DingTalk's: 20 base62 characters ending in `iE`. */
const newAccountId = () => `${randomText(BASE62, 20)}iE`

function requireCorp(ctx: EmulatorContext, corpId: string): void {
  if (!ctx.index.findCorp(corpId)) throw new EmulatorTestApiError(404, 'corp_not_found', `no corp ${corpId}`)
}

function requireMember(ctx: EmulatorContext, corpId: string, userid: string): CorpMember {
  requireCorp(ctx, corpId)
  const member = ctx.index.findMember(corpId, userid)
  if (!member) throw new EmulatorTestApiError(404, 'user_not_found', `no user ${userid} in ${corpId}`)
  return member
}

function readPersonFields(ctx: EmulatorContext, corpId: string, raw: Record<string, unknown>): PersonFields {
  const fields: PersonFields = {}
  for (const key of [
    'name',
    'mobile',
    'stateCode',
    'email',
    'title',
    'jobNumber',
    'orgEmail',
    'workPlace',
    'telephone',
    'remark',
    'extension',
    'managerUserid',
  ] as const) {
    const value = optionalString(raw, key)
    if (value !== undefined) fields[key] = value
  }
  for (const key of ['active', 'admin', 'boss'] as const) {
    const value = optionalBoolean(raw, key)
    if (value !== undefined) fields[key] = value
  }
  const hiredDate = optionalInteger(raw, 'hiredDate')
  if (hiredDate !== undefined) fields.hiredDate = hiredDate
  const deptIds = optionalDeptIds(raw, 'deptIds')
  if (deptIds) {
    const missing = deptIds.find((deptId) => !ctx.index.findDepartment(corpId, deptId))
    if (missing !== undefined)
      throw new EmulatorTestApiError(404, 'department_not_found', `no department ${missing} in ${corpId}`)
    fields.deptIds = [...new Set(deptIds)]
  }
  if (fields.managerUserid !== undefined && !ctx.index.findMember(corpId, fields.managerUserid)) {
    throw new EmulatorTestApiError(404, 'user_not_found', `no manager ${fields.managerUserid} in ${corpId}`)
  }
  return fields
}

/** The membership part of the fields (the rest belongs to the account). */
function membershipChanges(fields: PersonFields): Partial<EmulatorMembership> {
  const { deptIds, mobile: _mobile, stateCode: _stateCode, email: _email, ...rest } = fields
  return { ...rest, ...(deptIds ? { deptIdList: deptIds } : {}) }
}

function applyAccountFields(user: EmulatorUser, fields: PersonFields): void {
  if (fields.mobile !== undefined) user.mobile = fields.mobile
  if (fields.stateCode !== undefined) user.stateCode = fields.stateCode
  if (fields.email !== undefined) user.email = fields.email
}

function newUserid(ctx: EmulatorContext, corpId: string): string {
  // Like many real userids: all digits with a leading 0.
  for (;;) {
    const userid = `0${randomText('0123456789', 12)}`
    if (!ctx.index.findMember(corpId, userid)) return userid
  }
}

function publishUserEvent(
  ctx: EmulatorContext,
  eventType: 'user_add_org' | 'user_modify_org' | 'user_leave_org' | 'user_active_org',
  corpId: string,
  userid: string,
): void {
  ctx.events.publish({ eventType, corpId, bornTime: ctx.clock.now(), userIds: [userid] })
}

/** Someone joins a corp (a known unionId rejoins): `user_add_org`. */
export function hire(ctx: EmulatorContext, raw: Record<string, unknown>): HireResult {
  rejectUnknownFields(raw, ['corpId', 'unionId', 'userid', ...PERSON_FIELDS])
  const corpId = requiredString(raw, 'corpId')
  requireCorp(ctx, corpId)
  requiredString(raw, 'name')
  if (raw.deptIds === undefined) throw new EmulatorTestApiError(400, 'invalid_request', 'deptIds is required')
  const fields = readPersonFields(ctx, corpId, raw)
  const unionId = optionalString(raw, 'unionId')
  const existing = unionId === undefined ? undefined : ctx.index.findUser(unionId)
  if (existing && ctx.index.membershipOf(existing, corpId)) {
    throw new EmulatorTestApiError(409, 'already_member', `${unionId} is already a member of ${corpId}`)
  }
  let userid = optionalString(raw, 'userid')
  if (userid !== undefined && ctx.index.findMember(corpId, userid)) {
    throw new EmulatorTestApiError(409, 'userid_taken', `userid ${userid} is already used in ${corpId}`)
  }
  if (userid === undefined && existing) {
    const before = ctx.leaveRecords.lastOf(corpId, existing.unionId)?.userId
    if (before !== undefined && !ctx.index.findMember(corpId, before)) userid = before
  }
  userid ??= newUserid(ctx, corpId)
  const membership: EmulatorMembership = {
    corpId,
    userid,
    name: fields.name!,
    active: true,
    admin: false,
    ...membershipChanges(fields),
    deptIdList: fields.deptIds!,
  }
  membership.hiredDate ??= ctx.clock.now()
  const user = existing ?? {
    unionId: unionId ?? newAccountId(),
    openId: newAccountId(),
    nick: fields.name!,
    avatarUrl: '',
    mobile: fields.mobile ?? `1${randomText('3456789', 1)}${randomText('0123456789', 9)}`,
    stateCode: fields.stateCode ?? '86',
    email: fields.email ?? '',
    memberships: [],
  }
  applyAccountFields(user, fields)
  if (existing) ctx.index.addMembership(existing, membership)
  else {
    user.memberships.push(membership)
    ctx.index.addUser(user)
  }
  publishUserEvent(ctx, 'user_add_org', corpId, userid)
  return { userid, unionId: user.unionId }
}

/**
 * Changes a person's record: `user_modify_org`; activating someone (`active: true` for an inactive person) is
 * `user_active_org`.
 */
export function modifyPerson(ctx: EmulatorContext, raw: Record<string, unknown>): HireResult {
  rejectUnknownFields(raw, ['corpId', 'userid', ...PERSON_FIELDS])
  const corpId = requiredString(raw, 'corpId')
  const member = requireMember(ctx, corpId, requiredString(raw, 'userid'))
  const fields = readPersonFields(ctx, corpId, raw)
  if (Object.keys(fields).length === 0) {
    throw new EmulatorTestApiError(
      400,
      'invalid_request',
      `nothing to change (fields: ${PERSON_FIELDS.join(', ')})`,
    )
  }
  const activated = fields.active === true && !member.membership.active
  applyAccountFields(member.user, fields)
  ctx.index.updateMembership(member, membershipChanges(fields))
  const { userid } = member.membership
  if (activated) publishUserEvent(ctx, 'user_active_org', corpId, userid)
  const { active: _active, ...others } = fields
  if (!activated || Object.keys(others).length > 0) publishUserEvent(ctx, 'user_modify_org', corpId, userid)
  return { userid, unionId: member.user.unionId }
}

/**
 * Someone leaves a corp: the membership goes (the DingTalk account and other corps stay), a leave record is kept
 * and `user_leave_org` is published. From then on the corp's APIs answer for them as for a stranger.
 */
export function leave(ctx: EmulatorContext, raw: Record<string, unknown>): LeaveResult {
  rejectUnknownFields(raw, ['corpId', 'userid', 'reason'])
  const corpId = requiredString(raw, 'corpId')
  const member = requireMember(ctx, corpId, requiredString(raw, 'userid'))
  const { user, membership } = member
  const leaveTime = ctx.clock.now()
  ctx.index.removeMembership(member)
  ctx.leaveRecords.add({
    corpId,
    userId: membership.userid,
    unionId: user.unionId,
    name: membership.name,
    stateCode: user.stateCode,
    mobile: user.mobile,
    leaveTime,
    leaveReason: optionalString(raw, 'reason') ?? 'oapi',
    deptIds: [...membership.deptIdList],
  })
  publishUserEvent(ctx, 'user_leave_org', corpId, membership.userid)
  return { userid: membership.userid, unionId: user.unionId, leaveTime }
}
