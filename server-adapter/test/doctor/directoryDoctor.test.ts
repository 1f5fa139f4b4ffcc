import { randomBytes } from 'node:crypto'
import { defaultFixture } from 'dingtalk-emulator'
import type { EmulatorFixture } from 'dingtalk-emulator'
import { formatDoctorReport } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkAuthOptions, DoctorCheck, DoctorReport } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { APP_A, createRecordingLogger, createTestAuth, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

const SECRET = randomBytes(32).toString('base64url')
// DingTalk's own public test vector (organisation doc §4): a well-formed pair.
const CALLBACK_KEYS = { token: '123456', aesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij' }
const DIRECTORY_CHECKS = [
  'permission:qyapi_get_department_list',
  'permission:qyapi_get_department_member',
  'permission:Contact.Common.Read',
]

let emu: RunningEmulator
const opened: DingTalkAuth[] = []
const started: RunningEmulator[] = []
beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(() => emu.close())
afterEach(async () => {
  emu.clearFaults()
  await Promise.all(opened.splice(0).map((auth) => auth.close()))
  await Promise.all(started.splice(0).map((other) => other.close()))
})

async function doctorOf(
  target: RunningEmulator,
  overrides: Partial<DingTalkAuthOptions> = {},
): Promise<DoctorReport> {
  const auth = await createTestAuth(target, {
    clientIds: [APP_A],
    session: { secret: SECRET },
    http: { publicOrigin: 'http://127.0.0.1:3000' },
    directory: { events: 'stream' },
    ...overrides,
  })
  opened.push(auth)
  return auth.doctor()
}

const find = (report: DoctorReport, id: string): DoctorCheck => {
  const check = report.checks.find((c) => c.id === id)
  if (!check) throw new Error(`no check ${id} in ${JSON.stringify(report.checks.map((c) => c.id))}`)
  return check
}

/** An emulator whose app A has only these permissions. */
async function emulatorWithPermissions(permissions: string[]): Promise<RunningEmulator> {
  const fixture: EmulatorFixture = structuredClone(defaultFixture)
  fixture.apps.find((a) => a.clientId === APP_A)!.permissions = permissions
  const narrow = await startTestEmulator({ fixture })
  started.push(narrow)
  return narrow
}

const permissionsWithout = (missing: string) =>
  defaultFixture.apps.find((a) => a.clientId === APP_A)!.permissions.filter((p) => p !== missing)

describe('doctor: directory sync', () => {
  it('all well with events: stream: every directory permission and the Stream ticket are ok', async () => {
    const report = await doctorOf(emu)
    expect(report.ok).toBe(true)
    for (const id of [...DIRECTORY_CHECKS, 'events:stream']) expect(find(report, id).status, id).toBe('ok')
    expect(find(report, 'events:stream').message).toContain(`endpoint ${emu.url.replace(/^http/, 'ws')}`)
    // The ticket is a credential: it is asked for but never shown.
    const issued = emu.stream.tickets(APP_A).filter((t) => t.ua === 'dingtalk-login-server-doctor')
    expect(issued.length).toBeGreaterThanOrEqual(1)
    const json = JSON.stringify(report)
    const human = formatDoctorReport(report)
    for (const { ticket } of issued) {
      expect(json).not.toContain(ticket)
      expect(human).not.toContain(ticket)
    }
    expect(human).toContain('✓')
  })

  it('without directory, none of its checks run and DingTalk is not asked about them', async () => {
    const before = { ...emu.stats().byEndpoint }
    const report = await doctorOf(emu, { directory: undefined })
    const ids = report.checks.map((c) => c.id)
    for (const id of [...DIRECTORY_CHECKS, 'events:stream', 'events:callback-keys', 'events:callback-url'])
      expect(ids).not.toContain(id)
    const after = emu.stats().byEndpoint
    for (const endpoint of ['POST /topapi/v2/department/listsub', 'POST /v1.0/gateway/connections/open'])
      expect(after[endpoint] ?? 0, endpoint).toBe(before[endpoint] ?? 0)
  })

  it('an app without qyapi_get_department_list: the 60011 names it, with where to grant it', async () => {
    const narrow = await emulatorWithPermissions(permissionsWithout('qyapi_get_department_list'))
    const report = await doctorOf(narrow)
    expect(report.ok).toBe(false)
    const check = find(report, 'permission:qyapi_get_department_list')
    expect(check.status).toBe('fail')
    expect(check.message).toContain('60011')
    expect(check.message).toContain('/topapi/v2/department/listsub')
    expect(check.message).toContain('/topapi/v2/department/get')
    expect(check.fix).toContain('qyapi_get_department_list')
    expect(check.fix).toContain('权限管理')
    expect(find(report, 'permission:qyapi_get_department_member').status).toBe('ok')
  })

  it('an app without qyapi_get_department_member: user/list (the people pages of the crawl) fails, named', async () => {
    const narrow = await emulatorWithPermissions(permissionsWithout('qyapi_get_department_member'))
    const check = find(await doctorOf(narrow), 'permission:qyapi_get_department_member')
    expect(check.status).toBe('fail')
    expect(check.message).toContain('/topapi/v2/user/list')
    // The SDK never calls user/listid, so the doctor neither asks DingTalk about it nor names it.
    expect(check.message).not.toContain('listid')
    expect(narrow.stats().byEndpoint['POST /topapi/user/listid'] ?? 0).toBe(0)
    expect(check.fix).toContain('通讯录部门成员读权限 (qyapi_get_department_member)')
  })

  it('the scope DingTalk names wins: a user list that also wants the department permission says so', async () => {
    const fixture: EmulatorFixture = structuredClone(defaultFixture)
    fixture.apps.find((a) => a.clientId === APP_A)!.permissions =
      permissionsWithout('qyapi_get_department_list')
    const strict = await startTestEmulator({
      fixture,
      userListPermissions: ['qyapi_get_department_member', 'qyapi_get_department_list'],
    })
    started.push(strict)
    const check = find(await doctorOf(strict), 'permission:qyapi_get_department_member')
    expect(check.status).toBe('fail')
    expect(check.fix).toContain('qyapi_get_department_list')
  })

  it('an app without Contact.Common.Read: the leave-records read fails with the 403 and the scope', async () => {
    const narrow = await emulatorWithPermissions(permissionsWithout('Contact.Common.Read'))
    const report = await doctorOf(narrow)
    const check = find(report, 'permission:Contact.Common.Read')
    expect(check.status).toBe('fail')
    expect(check.message).toContain('403 Forbidden.AccessDenied.AccessTokenPermissionDenied')
    expect(check.message).toContain('/v1.0/contact/empLeaveRecords')
    expect(check.fix).toContain('Contact.Common.Read')
    // With leave records off, nothing needs the permission.
    const off = await doctorOf(narrow, { directory: { events: 'stream', leaveRecordsEvery: false } })
    expect(off.checks.map((c) => c.id)).not.toContain('permission:Contact.Common.Read')
    expect(off.ok).toBe(true)
  })

  it("events: 'stream' when the gateway gives no ticket: fails, naming the gateway and the console switch", async () => {
    emu.addFault({ endpoint: 'POST /v1.0/gateway/connections/open', kind: 'busy' })
    const report = await doctorOf(emu)
    expect(report.ok).toBe(false)
    const check = find(report, 'events:stream')
    expect(check.status).toBe('fail')
    expect(check.message).toContain('/v1.0/gateway/connections/open')
    expect(check.message).toContain('HTTP 503')
    expect(check.fix).toContain('Stream 模式推送')
  })

  it("events: 'callback' on https: the keys and the events URL are ok, and no Stream ticket is asked for", async () => {
    const before = emu.stats().byEndpoint['POST /v1.0/gateway/connections/open'] ?? 0
    const report = await doctorOf(emu, {
      http: { publicOrigin: 'https://app.yunqi.example' },
      directory: { events: 'callback', callback: CALLBACK_KEYS },
    })
    expect(find(report, 'events:callback-keys').status).toBe('ok')
    const url = find(report, 'events:callback-url')
    expect(url.status).toBe('ok')
    expect(url.message).toContain('https://app.yunqi.example/api/auth/dingtalk/events')
    expect(report.checks.map((c) => c.id)).not.toContain('events:stream')
    expect(emu.stats().byEndpoint['POST /v1.0/gateway/connections/open'] ?? 0).toBe(before)
    const text = JSON.stringify(report) + formatDoctorReport(report)
    expect(text).not.toContain(CALLBACK_KEYS.aesKey)
  })

  it("events: 'callback' on a plain-http public host, or without a public origin: warns", async () => {
    const http = await doctorOf(emu, {
      http: { publicOrigin: 'http://app.yunqi.example' },
      directory: { events: 'callback', callback: CALLBACK_KEYS },
    })
    const check = find(http, 'events:callback-url')
    expect(check.status).toBe('warn')
    expect(check.message).toContain('http://app.yunqi.example/api/auth/dingtalk/events is plain http')
    expect(check.fix).toContain("events: 'stream'")

    const unknown = await doctorOf(emu, {
      http: {},
      directory: { events: 'callback', callback: CALLBACK_KEYS },
    })
    expect(find(unknown, 'events:callback-url').status).toBe('warn')
  })

  it('verifyOnStart logs a missing directory permission, and nothing when all is well', async () => {
    const quiet = createRecordingLogger()
    opened.push(
      await createTestAuth(emu, {
        clientIds: [APP_A],
        logger: quiet,
        verifyOnStart: true,
        directory: { events: 'stream' },
      }),
    )
    expect(quiet.lines).toEqual([])

    const narrow = await emulatorWithPermissions(permissionsWithout('qyapi_get_department_member'))
    const loud = createRecordingLogger()
    opened.push(
      await createTestAuth(narrow, {
        clientIds: [APP_A],
        logger: loud,
        verifyOnStart: true,
        directory: { events: 'stream' },
      }),
    )
    expect(loud.lines).toHaveLength(1)
    expect(loud.lines[0]).toContain('permission:qyapi_get_department_member')
  })
})
