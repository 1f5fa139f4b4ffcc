import { randomBytes } from 'node:crypto'
import { defaultFixture } from 'dingtalk-emulator'
import type { EmulatorFixture } from 'dingtalk-emulator'
import { formatDoctorReport } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkAuthOptions, DoctorCheck, DoctorReport } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_A,
  CORP_B,
  createRecordingLogger,
  createTestAuth,
  instancesFor,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

const UNPUBLISHED_APP = 'ding43pn03sctyp29xbo'
const SECRET = randomBytes(32).toString('base64url')
const PUBLIC_ORIGIN = 'http://127.0.0.1:3000'

let emu: RunningEmulator
const opened: DingTalkAuth[] = []
beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(() => emu.close())
afterEach(async () => {
  emu.clearFaults()
  await Promise.all(opened.splice(0).map((auth) => auth.close()))
})

async function doctorOf(
  target: RunningEmulator,
  overrides: Partial<DingTalkAuthOptions> & { clientIds?: readonly string[] } = {},
): Promise<DoctorReport> {
  const auth = await createTestAuth(target, {
    clientIds: [APP_A],
    session: { secret: SECRET },
    http: { publicOrigin: PUBLIC_ORIGIN },
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

/** The instance settings for one fixture app, with one field changed. */
function instanceWith(clientId: string, change: Partial<{ appSecret: string; corpId: string }>) {
  const [instance] = instancesFor(emu, [clientId])
  return [{ ...instance!, authConfig: { ...instance!.authConfig, ...change } }]
}

describe('doctor against the emulator', () => {
  it('passes a correct setup: every DingTalk check ok, report ok, nothing secret in it', async () => {
    const report = await doctorOf(emu)
    expect(report.ok).toBe(true)
    for (const id of [
      'credentials',
      'app-published',
      'corp',
      'permission:qyapi_get_member',
      'permission:topapi/v2/user/getuserinfo',
      'redirect-uri',
      'ip-allow-list',
      'clock',
      'quota',
      'store',
      'state-store',
      'session-secret',
      'public-origin',
    ]) {
      expect(find(report, id).status, id).toBe('ok')
    }
    expect(find(report, 'redirect-uri').message).toContain(`${PUBLIC_ORIGIN}/api/auth/dingtalk/callback`)
    const appSecret = emu.fixture.apps.find((a) => a.clientId === APP_A)!.clientSecret
    const text = JSON.stringify(report) + formatDoctorReport(report)
    expect(text).not.toContain(appSecret)
    expect(text).not.toContain(SECRET)
  })

  it('wrong secret: credentials fail with invalidClientIdOrSecret and the fix', async () => {
    const report = await doctorOf(emu, { instances: instanceWith(APP_A, { appSecret: 'x'.repeat(64) }) })
    expect(report.ok).toBe(false)
    const check = find(report, 'credentials')
    expect(check).toMatchObject({ status: 'fail', instance: expect.any(String) })
    expect(check.message).toContain('invalidClientIdOrSecret')
    expect(check.fix).toContain('凭证与基础信息')
    // The login page knows the app (it is published): only the secret is wrong.
    expect(find(report, 'app-published').status).toBe('ok')
  })

  it('unpublished app: the login page says so, and its credentials are refused', async () => {
    const report = await doctorOf(emu, { clientIds: [UNPUBLISHED_APP] })
    expect(report.ok).toBe(false)
    expect(find(report, 'credentials').status).toBe('fail')
    const published = find(report, 'app-published')
    expect(published.status).toBe('fail')
    expect(published.message).toContain('no published version')
    expect(published.fix).toContain('版本管理与发布')
  })

  it('an app without qyapi_get_member: a 60011 names the permission', async () => {
    const fixture: EmulatorFixture = structuredClone(defaultFixture)
    fixture.apps.find((a) => a.clientId === APP_A)!.permissions = ['qyapi_base', 'Contact.User.Read']
    const narrow = await startTestEmulator({ fixture })
    try {
      const report = await doctorOf(narrow)
      expect(report.ok).toBe(false)
      const check = find(report, 'permission:qyapi_get_member')
      expect(check.status).toBe('fail')
      expect(check.message).toContain('60011')
      expect(check.fix).toContain('qyapi_get_member')
      expect(find(report, 'credentials').status).toBe('ok')
    } finally {
      await Promise.all(opened.splice(0).map((auth) => auth.close()))
      await narrow.close()
    }
  })

  it('an app without qyapi_base gets no token: the permission is named', async () => {
    const fixture: EmulatorFixture = structuredClone(defaultFixture)
    fixture.apps.find((a) => a.clientId === APP_A)!.permissions = ['qyapi_get_member']
    const narrow = await startTestEmulator({ fixture })
    try {
      const report = await doctorOf(narrow)
      expect(find(report, 'permission:qyapi_base')).toMatchObject({ status: 'fail' })
    } finally {
      await Promise.all(opened.splice(0).map((auth) => auth.close()))
      await narrow.close()
    }
  })

  it("wrong corp: another organisation's corpId, and one that does not exist", async () => {
    const other = await doctorOf(emu, { instances: instanceWith(APP_A, { corpId: CORP_B }) })
    expect(find(other, 'corp')).toMatchObject({ status: 'fail' })
    expect(find(other, 'corp').message).toContain('unauthorized.client')
    expect(find(other, 'credentials').status).toBe('ok')

    const none = await doctorOf(emu, { instances: instanceWith(APP_A, { corpId: 'ding0000000000000000' }) })
    expect(find(none, 'corp').message).toContain('knows no organisation')
  })

  it('unregistered redirect URI: the login page refuses it', async () => {
    const report = await doctorOf(emu, { http: { publicOrigin: 'https://app.unregistered.example' } })
    const check = find(report, 'redirect-uri')
    expect(check.status).toBe('fail')
    expect(check.message).toContain('https://app.unregistered.example/api/auth/dingtalk/callback')
    expect(check.fix).toContain('重定向URL')
    expect(find(report, 'app-published').status).toBe('ok')
  })

  it('without a public origin the redirect URI is not guessed', async () => {
    const report = await doctorOf(emu, { http: {} })
    expect(find(report, 'redirect-uri').status).toBe('warn')
    expect(find(report, 'app-published').status).toBe('ok')
  })

  it('IP not allowed: 60020 on oapi, IpNotInWhiteList on v1.0', async () => {
    emu.addFault({ endpoint: '/topapi/user/getbyunionid', kind: 'ipWhitelist' })
    const oapi = await doctorOf(emu)
    expect(find(oapi, 'ip-allow-list')).toMatchObject({ status: 'fail' })
    expect(find(oapi, 'ip-allow-list').fix).toContain('服务器出口IP')
    emu.clearFaults()

    emu.addFault({ kind: 'ipWhitelist' })
    const everything = await doctorOf(emu)
    expect(find(everything, 'ip-allow-list').status).toBe('fail')
    expect(find(everything, 'credentials').status).toBe('warn')
  })

  it('clock skew against DingTalk’s Date header', async () => {
    const report = await doctorOf(emu, { now: () => Date.now() - 10 * 60_000 })
    const check = find(report, 'clock')
    expect(check.status).toBe('fail')
    expect(check.message).toMatch(/600 s behind DingTalk|599 s behind DingTalk|601 s behind DingTalk/)
  })

  it('throttling is reported as a quota warning', async () => {
    emu.addFault({ endpoint: '/topapi/v2/user/getuserinfo', kind: 'throttle' })
    const report = await doctorOf(emu)
    expect(find(report, 'quota').status).toBe('warn')
  })

  it("the organisation's monthly API quota used up (oapi 90020) fails the quota check with the fix", async () => {
    emu.addFault({ endpoint: '/topapi/v2/user/getuserinfo', kind: 'quota' })
    const report = await doctorOf(emu)
    expect(report.ok).toBe(false)
    const quota = find(report, 'quota')
    expect(quota.status).toBe('fail')
    expect(quota.message).toContain('90020')
    expect(quota.message).toContain('monthly')
    expect(quota.fix).toMatch(/upgrade the organisation's DingTalk edition/i)
    expect(quota.fix).toContain('next month')
    // The permission behind the refused call is not known missing: it could not be asked.
    expect(find(report, 'permission:topapi/v2/user/getuserinfo')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/^not checked: /),
    })
  })

  it('the monthly quota on every call (v1.0 ApiCountLimitForOrg): the credentials are not blamed', async () => {
    emu.addFault({ kind: 'quota' })
    const report = await doctorOf(emu)
    const quota = find(report, 'quota')
    expect(quota.status).toBe('fail')
    expect(quota.message).toContain('Forbidden.AccessDenied.ApiCountLimitForOrg')
    expect(quota.fix).toContain('next month')
    expect(find(report, 'credentials')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/^not checked: /),
    })
  })

  it('DingTalk unreachable: one failing check that names the origin', async () => {
    const report = await doctorOf(emu, { dingtalk: { apiBase: 'http://127.0.0.1:1', timeoutMs: 500 } })
    expect(find(report, 'dingtalk-reachable')).toMatchObject({ status: 'fail' })
    expect(find(report, 'dingtalk-reachable').message).toContain('http://127.0.0.1:1')
  })
})

describe('doctor: the deployment', () => {
  it('session secret: missing, short, guessable', async () => {
    const none = await doctorOf(emu, { session: undefined })
    expect(find(none, 'session-secret')).toMatchObject({ status: 'fail' })
    expect(find(none, 'session-secret').fix).toContain('randomBytes(32)')

    const guessable = await doctorOf(emu, { session: { secret: 'my-session-secret-change-me-please!!' } })
    expect(find(guessable, 'session-secret').status).toBe('warn')
  })

  it('public origin: plain http on a public host warns, https is ok', async () => {
    const http = await doctorOf(emu, { http: { publicOrigin: 'http://app.example.com' } })
    expect(find(http, 'public-origin').status).toBe('warn')
    const https = await doctorOf(emu, { http: { publicOrigin: 'https://app.example.com' } })
    expect(find(https, 'public-origin').status).toBe('ok')
  })

  it('a store that cannot answer fails the store check', async () => {
    const report = await doctorOf(emu, {
      store: {
        findBinding: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
        createBinding: () => Promise.reject(new Error('unused')),
        updateBinding: () => Promise.reject(new Error('unused')),
        findUser: () => Promise.reject(new Error('unused')),
        updateUser: () => Promise.reject(new Error('unused')),
      },
    })
    expect(find(report, 'store')).toMatchObject({ status: 'fail' })
    expect(find(report, 'store').message).toContain('ECONNREFUSED')
  })
})

describe('verifyOnStart', () => {
  it('logs one line per DingTalk problem at startup, and nothing when all is well', async () => {
    const quiet = createRecordingLogger()
    opened.push(await createTestAuth(emu, { clientIds: [APP_A], logger: quiet, verifyOnStart: true }))
    expect(quiet.lines).toEqual([])

    const loud = createRecordingLogger()
    opened.push(
      await createTestAuth(emu, {
        instances: instanceWith(APP_A, { appSecret: 'x'.repeat(64) }),
        logger: loud,
        verifyOnStart: true,
      }),
    )
    expect(loud.lines).toHaveLength(1)
    expect(loud.lines[0]).toContain('credentials')
    expect(loud.lines[0]).toContain('invalidClientIdOrSecret')
    expect(loud.lines[0]).not.toContain('x'.repeat(64))
  })
})
