import type {
  CheckGroupResult,
  DoctorDingTalkSettings,
  DoctorDirectorySettings,
  DoctorInstance,
} from './DoctorContext'
import type { DoctorCheck } from './DoctorReport'
import { checkCallbackKeys, checkCallbackUrl, checkStreamTicket } from './eventChecks'
import { askPermissions } from './permissionProbe'
import type { PermissionProbe } from './permissionProbe'
import type { ProbeAnswer } from './probe'

/**
 * A department no organisation has (DingTalk's dept_ids are far smaller): the directory APIs check the permission
 * first, then answer `60003` (department not found), so nothing of the organisation is read.
 */
const PROBE_DEPT_ID = 999_999_999_999

const DEPARTMENTS = {
  scope: 'qyapi_get_department_list',
  label: '通讯录部门信息读权限',
  feature: 'the directory sync (the department tree)',
} as const

// [U] Casdoor's users needed qyapi_get_department_list for the people lists too: a 60011 names what DingTalk wants.
const MEMBERS = {
  scope: 'qyapi_get_department_member',
  label: '通讯录部门成员读权限',
  feature: 'the directory sync (the people of each department)',
} as const

const CRAWL_PROBES: readonly PermissionProbe[] = [
  {
    ...DEPARTMENTS,
    family: 'oapi',
    path: '/topapi/v2/department/listsub',
    body: { dept_id: PROBE_DEPT_ID },
    granted: [0, 60003],
  },
  {
    ...DEPARTMENTS,
    family: 'oapi',
    // The crawl's first call (the root) and the events' department look-ups.
    path: '/topapi/v2/department/get',
    body: { dept_id: PROBE_DEPT_ID },
    granted: [0, 60003],
  },
  {
    ...MEMBERS,
    family: 'oapi',
    path: '/topapi/v2/user/list',
    body: { dept_id: PROBE_DEPT_ID, cursor: 0, size: 1 },
    granted: [0, 60003],
  },
]

/** `2026-12-01T21:35:07Z`: seconds, UTC, the format DingTalk documents for empLeaveRecords. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

const LEAVE_RECORDS_PROBE: PermissionProbe = {
  family: 'v1',
  scope: 'Contact.Common.Read',
  feature: 'the leave-records read (leaveRecordsEvery: leaves missed while events were down)',
  path: '/v1.0/contact/empLeaveRecords',
  // A one-second window ending now, one record at most: a read that changes nothing.
  query: (now) => ({ startTime: isoSeconds(now - 1_000), endTime: isoSeconds(now), maxResults: '1' }),
}

/**
 * What the directory sync of one instance needs from DingTalk: the crawl's permissions (departments and their
 * people), the leave records', and its events: a Stream connection ticket, or well-formed callback keys and an
 * events URL DingTalk can push to. Without an app token (the credentials check failed) only the local part runs.
 */
export async function checkDirectory(
  instance: DoctorInstance,
  directory: DoctorDirectorySettings,
  settings: DoctorDingTalkSettings,
  appToken: string | undefined,
): Promise<CheckGroupResult> {
  const checks: DoctorCheck[] = []
  const answers: ProbeAnswer[] = []
  if (appToken) {
    const probes = directory.leaveRecords ? [...CRAWL_PROBES, LEAVE_RECORDS_PROBE] : CRAWL_PROBES
    const [permissions, stream] = await Promise.all([
      askPermissions(instance, settings, appToken, probes),
      directory.events === 'stream' ? checkStreamTicket(instance, settings) : undefined,
    ])
    checks.push(...permissions.checks, ...(stream?.checks ?? []))
    answers.push(...permissions.answers, ...(stream?.answers ?? []))
  }
  if (directory.events === 'callback') {
    checks.push(checkCallbackKeys(instance, directory.callback), checkCallbackUrl(instance, settings))
  }
  return { checks, answers }
}
