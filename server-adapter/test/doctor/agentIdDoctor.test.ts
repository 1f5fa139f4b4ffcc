import { randomBytes } from 'node:crypto'
import { defaultFixture } from 'dingtalk-emulator'
import type { EmulatorFixture } from 'dingtalk-emulator'
import type { DingTalkAuth, DoctorCheck, DoctorReport } from 'dingtalk-login-server'
import { afterEach, describe, expect, it } from 'vitest'
import {
  APP_A,
  APP_A_NO_CONTACT,
  APP_B,
  createRecordingLogger,
  createTestAuth,
  instancesFor,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

const SECRET = randomBytes(32).toString('base64url')
const agentIdOf = (clientId: string) => defaultFixture.apps.find((a) => a.clientId === clientId)!.agentId
const nameOf = (clientId: string) => defaultFixture.apps.find((a) => a.clientId === clientId)!.name

const opened: DingTalkAuth[] = []
const started: RunningEmulator[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((auth) => auth.close()))
  await Promise.all(started.splice(0).map((emu) => emu.close()))
})

/** An emulator where app A may list the corp's apps (`qyapi_get_microapp_list`), with or without a robot. */
async function emulatorListingApps(options: { robot: boolean } | null): Promise<RunningEmulator> {
  const fixture: EmulatorFixture = structuredClone(defaultFixture)
  const app = fixture.apps.find((a) => a.clientId === APP_A)!
  if (options) {
    app.permissions = [...app.permissions, 'qyapi_get_microapp_list']
    app.robot = options.robot
  }
  const emu = await startTestEmulator({ fixture })
  started.push(emu)
  return emu
}

/** The doctor's `agent-id` check of app A configured with `agentId`. */
async function agentIdCheck(emu: RunningEmulator, agentId = agentIdOf(APP_A)): Promise<DoctorCheck> {
  const [instance] = instancesFor(emu, [APP_A])
  const auth = await createTestAuth(emu, {
    instances: [{ ...instance!, authConfig: { ...instance!.authConfig, agentId } }],
    session: { secret: SECRET },
  })
  opened.push(auth)
  const report: DoctorReport = await auth.doctor()
  const check = report.checks.find((c) => c.id === 'agent-id')
  if (!check) throw new Error(`no agent-id check in ${JSON.stringify(report.checks.map((c) => c.id))}`)
  return check
}

describe('doctor: agentId', () => {
  it('the app has a robot: its own agentId is ✓, another one ✗ naming the right one', async () => {
    const emu = await emulatorListingApps({ robot: true })
    const right = await agentIdCheck(emu)
    expect(right.status).toBe('ok')
    expect(right.message).toContain(`agentId ${agentIdOf(APP_A)} is app ${APP_A}'s`)

    // Another app of the same corp: DingTalk links the AppKey to its real agentId through the robot.
    const wrong = await agentIdCheck(emu, agentIdOf(APP_A_NO_CONTACT))
    expect(wrong.status).toBe('fail')
    expect(wrong.message).toContain(`agentId ${agentIdOf(APP_A_NO_CONTACT)} is not app ${APP_A}'s`)
    expect(wrong.fix).toBe(`Set authConfig.agentId to ${agentIdOf(APP_A)}`)
  })

  it('no robot: an agentId of the corp is only a "not checked" warning naming that app; one the corp does not have is ✗', async () => {
    const emu = await emulatorListingApps({ robot: false })
    // Another app's agentId: without a robot DingTalk cannot tell it is not app A's, so the doctor must not pass it.
    const ofTheCorp = await agentIdCheck(emu, agentIdOf(APP_A_NO_CONTACT))
    expect(ofTheCorp.status).toBe('warn')
    expect(ofTheCorp.message).toMatch(/^not checked: /)
    expect(ofTheCorp.message).toContain(`could only be confirmed as an app of corp`)
    expect(ofTheCorp.message).toContain(`“${nameOf(APP_A_NO_CONTACT)}”`)
    expect(ofTheCorp.fix).toContain(`Make sure “${nameOf(APP_A_NO_CONTACT)}” is this app`)

    // 星河's app: an agentId of another organisation.
    const foreign = await agentIdCheck(emu, agentIdOf(APP_B))
    expect(foreign.status).toBe('fail')
    expect(foreign.message).toContain(`has no internal app with agentId ${agentIdOf(APP_B)}`)
    expect(foreign.fix).toContain('凭证与基础信息')
  })

  it('without qyapi_get_microapp_list it says what could not be verified and why, as a warning', async () => {
    const emu = await emulatorListingApps(null)
    const check = await agentIdCheck(emu, '1234567890')
    expect(check.status).toBe('warn')
    expect(check.message).toContain('qyapi_get_microapp_list')
    expect(check.message).toContain('agentId 1234567890 was not compared')
    expect(check.fix).toContain('凭证与基础信息')
  })

  it('verifyOnStart logs a wrong agentId, and stays quiet when it cannot tell', async () => {
    const listing = await emulatorListingApps({ robot: true })
    const [instance] = instancesFor(listing, [APP_A])
    const loud = createRecordingLogger()
    opened.push(
      await createTestAuth(listing, {
        instances: [
          { ...instance!, authConfig: { ...instance!.authConfig, agentId: agentIdOf(APP_A_NO_CONTACT) } },
        ],
        logger: loud,
        verifyOnStart: true,
      }),
    )
    expect(loud.lines).toHaveLength(1)
    expect(loud.lines[0]).toContain('agent-id')
    expect(loud.lines[0]).toContain(`Set authConfig.agentId to ${agentIdOf(APP_A)}`)

    const unlisted = await emulatorListingApps(null)
    const quiet = createRecordingLogger()
    opened.push(await createTestAuth(unlisted, { clientIds: [APP_A], logger: quiet, verifyOnStart: true }))
    expect(quiet.lines).toEqual([])

    // No robot: the corp has an app with the configured agentId, which is all the doctor can tell.
    const robotless = await emulatorListingApps({ robot: false })
    const [robotlessInstance] = instancesFor(robotless, [APP_A])
    const unsure = createRecordingLogger()
    opened.push(
      await createTestAuth(robotless, {
        instances: [
          {
            ...robotlessInstance!,
            authConfig: { ...robotlessInstance!.authConfig, agentId: agentIdOf(APP_A_NO_CONTACT) },
          },
        ],
        logger: unsure,
        verifyOnStart: true,
      }),
    )
    expect(unsure.lines).toEqual([])
  })
})
