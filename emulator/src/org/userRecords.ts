import type { EmulatorContext } from '../EmulatorContext'
import type { CorpMember } from '../fixture/createFixtureIndex'
import type { EmulatorApp } from '../fixture/EmulatorFixture'

/** A person as DingTalk's oapi shows them: `topapi/v2/user/get` and the rows of `topapi/v2/user/list`. */

/** DingTalk's orders are large numbers; a person's first department sorts first. */
const ORDER_BASE = 176_294_576_350_761

/** Which gated field groups the app may read (企业员工手机号信息, 邮箱等个人信息). */
function fieldAccess(ctx: EmulatorContext, app: EmulatorApp): { mobile: boolean; email: boolean } {
  const gates = ctx.options.userGetFieldPermissions
  const allowed = (permission: string | null) => permission === null || app.permissions.includes(permission)
  return { mobile: allowed(gates.mobile), email: allowed(gates.email) }
}

/** The fields both answers share; present only when they have a value and the app may read them. */
function commonFields(ctx: EmulatorContext, app: EmulatorApp, { user, membership: m }: CorpMember) {
  const access = fieldAccess(ctx, app)
  return {
    userid: m.userid,
    unionid: user.unionId,
    name: m.name,
    avatar: user.avatarUrl,
    ...(access.mobile ? { state_code: user.stateCode, mobile: user.mobile, hide_mobile: false } : {}),
    ...(m.telephone ? { telephone: m.telephone } : {}),
    ...(m.jobNumber ? { job_number: m.jobNumber } : {}),
    ...(m.title ? { title: m.title } : {}),
    ...(access.email && user.email ? { email: user.email } : {}),
    ...(access.email && m.workPlace ? { work_place: m.workPlace } : {}),
    ...(access.email && m.remark ? { remark: m.remark } : {}),
    ...(access.email && m.extension ? { extension: m.extension } : {}),
    ...(m.orgEmail ? { org_email: m.orgEmail } : {}),
    dept_id_list: m.deptIdList,
    ...(m.hiredDate !== undefined ? { hired_date: m.hiredDate } : {}),
    active: m.active,
    admin: m.admin,
    boss: m.boss ?? false,
    exclusive_account: false,
  }
}

/** `result` of `topapi/v2/user/get`. */
export function userDetail(
  ctx: EmulatorContext,
  app: EmulatorApp,
  member: CorpMember,
): Record<string, unknown> {
  const m = member.membership
  return {
    ...commonFields(ctx, app, member),
    ...(m.orgEmail ? { org_email_type: 'profession' } : {}),
    ...(m.managerUserid ? { manager_userid: m.managerUserid } : {}),
    dept_order_list: m.deptIdList.map((deptId, i) => ({ dept_id: deptId, order: ORDER_BASE - i })),
    leader_in_dept: m.deptIdList.map((deptId) => ({ dept_id: deptId, leader: Boolean(m.boss) })),
    real_authed: m.realAuthed ?? true,
    senior: m.senior ?? false,
  }
}

/** One row of `topapi/v2/user/list` for department `deptId`: `dept_order` and `leader` are about that department. */
export function userListEntry(
  ctx: EmulatorContext,
  app: EmulatorApp,
  member: CorpMember,
  deptId: number,
): Record<string, unknown> {
  const m = member.membership
  return {
    ...commonFields(ctx, app, member),
    dept_order: ORDER_BASE - Math.max(0, m.deptIdList.indexOf(deptId)),
    leader: Boolean(m.boss),
  }
}
