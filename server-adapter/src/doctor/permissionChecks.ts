import type { CheckGroupResult, DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import { NOT_CHECKED, instanceCheck, trimSlash } from './DoctorContext'
import type { DoctorCheck } from './DoctorReport'
import { isIpRefused, isThrottled, oapiErrcode, oapiSubCode, probe } from './probe'
import type { ProbeAnswer } from './probe'

/** A value DingTalk never issues: the probes ask about it so that no real person or code is touched. */
const PROBE_VALUE = 'dingtalk-doctor-probe'

/**
 * One oapi call a login feature makes, asked with a value that cannot exist: DingTalk checks the app's permission
 * before it looks the value up, so `60011` means the permission is missing and "not found" means it is there.
 */
interface PermissionProbe {
  /** The permission code, as the console and `permission_denied` name it. */
  scope: string
  /** Its name in the console. */
  label: string
  feature: string
  path: string
  body: Record<string, string>
  /** Errcodes that prove the permission is there (the probe value was looked up and not found). */
  granted: readonly number[]
}

const LOGIN_PROBES: readonly PermissionProbe[] = [
  {
    scope: 'qyapi_get_member',
    label: '成员信息读权限',
    feature: 'both login flows (corp membership and the employee record)',
    path: '/topapi/user/getbyunionid',
    body: { unionid: PROBE_VALUE },
    granted: [60121, 0],
  },
  {
    // [U] DingTalk documents no permission beyond an app token for getuserinfo; a 60011 here still names the call.
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
  const checks: DoctorCheck[] = []
  const answers: ProbeAnswer[] = []
  const oapiBase = trimSlash(settings.oapiBase)
  const results = await Promise.all(
    LOGIN_PROBES.map(async (permission) => {
      const url = `${oapiBase}${permission.path}?access_token=${encodeURIComponent(appToken)}`
      return { permission, answer: await probe(settings, url, { method: 'POST', json: permission.body }) }
    }),
  )
  for (const { permission, answer } of results) {
    answers.push(answer)
    const id = `permission:${permission.scope}`
    const errcode = oapiErrcode(answer)
    if (errcode !== undefined && permission.granted.includes(errcode)) {
      checks.push(instanceCheck(instance, id, 'ok', `${permission.scope} (${permission.label}) is granted`))
    } else if (errcode === 60011) {
      checks.push(
        instanceCheck(
          instance,
          id,
          'fail',
          `DingTalk answered 60011 to ${permission.path}: the app lacks ${permission.scope} (${permission.label}), which ${permission.feature} needs`,
          `Grant ${permission.label} (${permission.scope}) in the developer console (权限管理), then publish a new version`,
        ),
      )
    } else if (isIpRefused(answer) || isThrottled(answer)) {
      // Reported once by the ip-allow-list / quota checks.
      checks.push(
        instanceCheck(
          instance,
          id,
          'warn',
          `${NOT_CHECKED}DingTalk refused the call first`,
          'Fix the finding below, then run the doctor again',
        ),
      )
    } else {
      const detail =
        answer.kind === 'unreachable'
          ? 'no answer'
          : `HTTP ${answer.status}, errcode ${errcode ?? 'none'}${oapiSubCode(answer) ? `/${oapiSubCode(answer)}` : ''}`
      checks.push(
        instanceCheck(
          instance,
          id,
          'warn',
          `could not tell whether ${permission.scope} is granted: ${permission.path} gave ${detail}`,
          `Check ${permission.label} (${permission.scope}) in the developer console (权限管理); check dingtalk.oapiBase`,
        ),
      )
    }
  }
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
