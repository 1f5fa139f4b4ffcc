import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bindingStoreBackends } from './support/bindingStores'
import type { StoreUnderTest } from './support/bindingStores'
import {
  APP_A,
  CORP_A,
  createTestAuth,
  mintOAuthCode,
  startTestEmulator,
  workbenchSessionLogin,
} from './support/emulator'
import type { RunningEmulator } from './support/emulator'

// DingTalk compares userids and unionIds byte for byte: a corp may give two people custom userids that differ only
// by letter case. Each must stay their own local user, and one's login must not end the other's session.

const { backends, removeFiles } = bindingStoreBackends('case-differing-ids')

let emu: RunningEmulator

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
  removeFiles()
})

describe.each(backends)('two people whose ids differ only by letter case ($name)', ({ open, skip }) => {
  let opened: StoreUnderTest
  let auth: DingTalkAuth

  beforeEach(async () => {
    if (skip) return
    emu.reset()
    opened = await open()
    auth = await createTestAuth(emu, {
      clientIds: [APP_A],
      store: opened.store,
      session: { secret: 'case-differing-ids-test-secret-of-at-least-32-bytes' },
    })
  })
  afterEach(async () => {
    if (skip) return
    await auth.close()
    await opened.cleanup()
  })

  const login = (userid: string) => workbenchSessionLogin(emu, auth, userid)
  const sessionUserOf = async (token: string) => (await auth.sessions.verify(token))?.userId ?? null

  async function qrLogin(unionId: string) {
    const code = await mintOAuthCode(emu, {
      clientId: APP_A,
      unionId,
      scope: 'openid corpid',
      corpId: CORP_A,
    })
    return auth.service.loginByQrCode({ code, corpId: CORP_A })
  }

  it.skipIf(skip)(
    'userids manager4220 and Manager4220: both stay logged in, each as themselves',
    async () => {
      // Wang Fang of the fixture is manager4220; another manager joins as Manager4220.
      emu.hire({ corpId: CORP_A, userid: 'Manager4220', name: '李经理', deptIds: [20] })

      const lower = await login('manager4220')
      const upper = await login('Manager4220')
      expect(upper.userId).not.toBe(lower.userId)
      const lowerAgain = await login('manager4220')
      const upperAgain = await login('Manager4220')
      expect(lowerAgain.userId).toBe(lower.userId)
      expect(upperAgain.userId).toBe(upper.userId)

      for (const session of [lower, upper, lowerAgain, upperAgain])
        expect(await sessionUserOf(session.token)).toBe(session.userId)
    },
  )

  it.skipIf(skip)(
    'unionIds that differ only by case: two local users, by QR and by workbench, both logged in',
    async () => {
      const first = emu.hire({
        corpId: CORP_A,
        unionId: 'caseFoldUnionId4220iE',
        userid: 'wangfang',
        name: '王芳',
        deptIds: [10],
      })
      const second = emu.hire({
        corpId: CORP_A,
        unionId: 'CASEFOLDUNIONID4220iE',
        userid: 'lifang',
        name: '李芳',
        deptIds: [20],
      })

      const firstByQr = await qrLogin(first.unionId)
      const secondByQr = await qrLogin(second.unionId)
      expect(firstByQr.binding).toMatchObject({ unionId: first.unionId, dingUserId: 'wangfang' })
      expect(secondByQr.binding).toMatchObject({ unionId: second.unionId, dingUserId: 'lifang' })
      expect(secondByQr.userId).not.toBe(firstByQr.userId)

      const firstSession = await login('wangfang')
      const secondSession = await login('lifang')
      expect(firstSession.userId).toBe(firstByQr.userId)
      expect(secondSession.userId).toBe(secondByQr.userId)
      expect(await sessionUserOf(firstSession.token)).toBe(firstByQr.userId)
      expect(await sessionUserOf(secondSession.token)).toBe(secondByQr.userId)
    },
  )
})
