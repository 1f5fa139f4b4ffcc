import { createDingTalkHandler } from 'dingtalk-login-server'
import type { DingTalkAuthOptions } from 'dingtalk-login-server'
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import {
  APP_A,
  CORP_A,
  CORP_B,
  LI_NA,
  ZHANG_WEI,
  createRecordingLogger,
  createTestAuth,
  expectAuthError,
  instancesFor,
  mintFreeLoginCode,
  mintOAuthCode,
  startTestEmulator,
} from './support/emulator'
import type { RunningEmulator } from './support/emulator'

let emu: RunningEmulator
beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
})
beforeEach(() => emu.reset())

describe('a wrong configured corpId is named, not blamed on the person (issue 14)', () => {
  it('QR: a corp that matches no instance logs one warning naming the instance, both corps and the fix', async () => {
    const logger = createRecordingLogger()
    // The app of corp A configured with corp B's id: DingTalk reports corp A for everyone.
    const [instance] = instancesFor(emu, [APP_A])
    const auth = await createTestAuth(emu, {
      logger,
      instances: [{ ...instance!, authConfig: { ...instance!.authConfig, corpId: 'dingwrongcorp' } }],
    })
    for (let i = 0; i < 2; i++) {
      const code = await mintOAuthCode(emu, {
        clientId: APP_A,
        userid: ZHANG_WEI.userid,
        scope: 'openid corpid',
        corpId: CORP_A,
      })
      expect((await expectAuthError(auth.service.loginByQrCode({ code }))).code).toBe('corp_mismatch')
    }
    const warnings = logger.lines.filter((line) => line.includes('configured corpId does not match'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('"configuredCorpId":"dingwrongcorp"')
    expect(warnings[0]).toContain(`"dingtalkReported":"${CORP_A}"`)
    expect(warnings[0]).toContain(`"instance":"${instance!.name}"`)
    expect(warnings[0]).toContain('set authConfig.corpId')
    await auth.close()
  })

  it('QR: a person choosing another configured corp is refused without a configuration warning', async () => {
    const logger = createRecordingLogger()
    const auth = await createTestAuth(emu, { logger })
    const code = await mintOAuthCode(emu, {
      clientId: APP_A,
      unionId: LI_NA.unionId,
      scope: 'openid corpid',
      corpId: CORP_B,
    })
    expect((await expectAuthError(auth.service.loginByQrCode({ code, corpId: CORP_A }))).code).toBe(
      'corp_mismatch',
    )
    expect(logger.lines.some((line) => line.includes('configured corpId does not match'))).toBe(false)
    await auth.close()
  })

  it("workbench: a code DingTalk does not know in the instance's corp logs one warning with the fix", async () => {
    const logger = createRecordingLogger()
    const auth = await createTestAuth(emu, { logger })
    for (let i = 0; i < 2; i++) {
      const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: LI_NA.useridA })
      const error = await expectAuthError(auth.service.loginByWorkbench({ corpId: CORP_B, authCode }))
      expect(error.code).toBe('code_invalid')
    }
    const warnings = logger.lines.filter((line) => line.includes('configured corpId does not match'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`"configuredCorpId":"${CORP_B}"`)
    expect(warnings[0]).toContain('40078')
    expect(warnings[0]).toContain('requestAuthCode({ corpId })')
    expect(warnings[0]).not.toMatch(/authCode":"[^*]/)
    await auth.close()
  })
})

describe('the dev-proxy warning (issue 14)', () => {
  it("warns once per origin pair when the page's origin is not the redirectUri's, naming both and publicOrigin", async () => {
    const logger = createRecordingLogger()
    const auth = await createTestAuth(emu, { logger, clientIds: [APP_A] })
    const http = createDingTalkHandler(auth, {
      session: { secret: 'dev-proxy-test-secret-of-32-bytes-or-more' },
    })
    // Vite on :5173 proxies /api to the server on :3000 (changeOrigin): the Host is the server's.
    const viaProxy = () =>
      http.handler(
        new Request('http://localhost:3000/api/auth/dingtalk/config', {
          headers: { referer: 'http://localhost:5173/login' },
        }),
      )
    expect((await viaProxy()).status).toBe(200)
    expect((await viaProxy()).status).toBe(200)
    const warnings = logger.lines.filter((line) => line.startsWith('warn') && line.includes('publicOrigin'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('http://localhost:5173')
    expect(warnings[0]).toContain('http://localhost:3000/api/auth/dingtalk/callback')
    // Same origin, or publicOrigin set to the page's: no warning.
    const fixed = createDingTalkHandler(auth, {
      session: { secret: 'dev-proxy-test-secret-of-32-bytes-or-more' },
      publicOrigin: 'http://localhost:5173',
    })
    const config = (await (
      await fixed.handler(
        new Request('http://localhost:3000/api/auth/dingtalk/config', {
          headers: { referer: 'http://localhost:5173/login' },
        }),
      )
    ).json()) as { redirectUri: string }
    expect(config.redirectUri).toBe('http://localhost:5173/api/auth/dingtalk/callback')
    expect(
      logger.lines.filter((line) => line.startsWith('warn') && line.includes('publicOrigin')),
    ).toHaveLength(1)
    await auth.close()
  })
})

describe('option types (issue 14)', () => {
  it('takes stateStore: process.env.REDIS_URL (string | undefined; undefined is the default)', async () => {
    expectTypeOf<{ stateStore: string | undefined }>().toExtend<Pick<DingTalkAuthOptions, 'stateStore'>>()
    const auth = await createTestAuth(emu, { stateStore: process.env.DINGTALK_TEST_UNSET_STATE_STORE })
    expect(auth.stateStore).toBeDefined()
    await auth.close()
  })

  it('keeps the seed positional QR form: loginByQrCode(code, state?, platform?)', async () => {
    const auth = await createTestAuth(emu, { clientIds: [APP_A] })
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const result = await auth.service.loginByQrCode(code, undefined, 'web')
    expect(result.binding.unionId).toBe(ZHANG_WEI.unionId)
    await auth.close()
  })
})
