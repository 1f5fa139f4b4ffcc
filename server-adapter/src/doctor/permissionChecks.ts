import type { CheckGroupResult, DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import { instanceCheck } from './DoctorContext'
import { PROBE_VALUE, askPermissions } from './permissionProbe'
import type { PermissionProbe } from './permissionProbe'

const LOGIN_PROBES: readonly PermissionProbe[] = [
  {
    family: 'oapi',
    scope: 'qyapi_get_member',
    label: '成员信息读权限',
    feature: 'both login flows (corp membership and the employee record)',
    path: '/topapi/user/getbyunionid',
    body: { unionid: PROBE_VALUE },
    granted: [60121, 0],
  },
  {
    // [U] DingTalk documents no permission beyond an app token for getuserinfo; a 60011 here still names the call.
    family: 'oapi',
    scope: 'topapi/v2/user/getuserinfo',
    label: '通过免登码获取用户信息',
    feature: 'the workbench (in-DingTalk) login',
    path: '/topapi/v2/user/getuserinfo',
    body: { code: PROBE_VALUE },
    granted: [40078, 40029, 42008, 40035],
  },
]

/**
 * Permissions that DingTalk only answers for with a person's own token or a real person's record, so nothing can
 * ask about them before the first login; a missing one then answers `permission_denied` naming it.
 */
const LOGIN_TIME_SCOPES = [
  'Contact.User.Read (通讯录个人信息读权限, QR login)',
  'Contact.User.mobile (phone number in the QR login profile)',
  '企业员工手机号信息 / 邮箱等个人信息 (phone and email of the employee record)',
]

/** Every permission each login feature needs that DingTalk lets the doctor ask about with the app token. */
export async function checkPermissions(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
  appToken: string,
): Promise<CheckGroupResult> {
  const { checks, answers } = await askPermissions(instance, settings, appToken, LOGIN_PROBES)
  checks.push(
    instanceCheck(
      instance,
      'permission:login-time',
      'warn',
      `DingTalk answers for these only during a real login: ${LOGIN_TIME_SCOPES.join('; ')}`,
      'Check them in the developer console (权限管理); a missing one fails the first login with permission_denied naming it',
    ),
  )
  return { checks, answers }
}
