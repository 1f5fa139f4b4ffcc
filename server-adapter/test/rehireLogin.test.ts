import { createMemoryBindingStore } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bindingStoreBackends } from './support/bindingStores'
import type { StoreUnderTest } from './support/bindingStores'
import {
  APP_A,
  CORP_A,
  EP,
  ZHANG_WEI,
  calls,
  createRecordingLogger,
  createTestAuth,
  markCalls,
  mintFreeLoginCode,
  mintOAuthCode,
  startTestEmulator,
} from './support/emulator'
import type { RunningEmulator } from './support/emulator'

// A person who left and came back may get a new userid from DingTalk while the unionId stays. Without directory
// sync nothing has told the server: the login itself finds the person again and moves the binding.

const { backends, removeFiles } = bindingStoreBackends('rehire-login')
const NEW_USERID = 'zhangwei.back'

let emu: RunningEmulator

function leaveAndComeBackUnderNewUserid(): void {
  emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
  emu.hire({ corpId: CORP_A, unionId: ZHANG_WEI.unionId, userid: NEW_USERID, name: '张伟', deptIds: [10] })
}

/** Zhang Wei's QR login; with the `corpid` scope he chose corp A on the phone. */
async function qrLogin(auth: DingTalkAuth, scope: 'openid' | 'openid corpid' = 'openid corpid') {
  const chosen = scope === 'openid corpid' ? { corpId: CORP_A } : {}
  const code = await mintOAuthCode(emu, { clientId: APP_A, unionId: ZHANG_WEI.unionId, scope, ...chosen })
  return auth.service.loginByQrCode({ code, corpId: CORP_A })
}

async function workbenchLogin(auth: DingTalkAuth, userid: string) {
  const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid })
  return auth.service.loginByWorkbench({ corpId: CORP_A, authCode })
}

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
  removeFiles()
})

describe.each(backends)(
  'a rehire under a new userid logs in as the same local user ($name)',
  ({ open, skip }) => {
    let opened: StoreUnderTest
    let auth: DingTalkAuth
    const logger = createRecordingLogger()

    beforeEach(async () => {
      if (skip) return
      emu.reset()
      logger.lines.length = 0
      opened = await open()
      auth = await createTestAuth(emu, { clientIds: [APP_A], store: opened.store, logger })
    })
    afterEach(async () => {
      if (skip) return
      await auth.close()
      await opened.cleanup()
    })

    it.skipIf(skip)(
      'QR login with the corpid scope: the stored userid is unknown, getbyunionid names the new one',
      async () => {
        const first = await qrLogin(auth)
        expect(first.binding.dingUserId).toBe(ZHANG_WEI.userid)
        leaveAndComeBackUnderNewUserid()

        const mark = markCalls(emu)
        const back = await qrLogin(auth)
        expect(back).toMatchObject({
          userId: first.userId,
          isNewUser: false,
          binding: { dingUserId: NEW_USERID, unionId: ZHANG_WEI.unionId },
        })
        // The old userid answered 60121 once, then getbyunionid named the new one.
        expect(calls(emu, mark)).toEqual({
          [EP.userToken]: 1,
          [EP.me]: 1,
          [EP.userGet]: 2,
          [EP.byUnionId]: 1,
        })
        const stored = await opened.store.findBinding({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
        expect(stored).toMatchObject({
          id: expect.any(String),
          userId: first.userId,
          thirdUserId: NEW_USERID,
        })
        expect(await opened.store.findBinding({ corpId: CORP_A, dingUserId: ZHANG_WEI.userid })).toBeNull()
        expect(logger.lines.some((line) => line.includes('new userid'))).toBe(true)

        // The binding follows the person: the next login is the normal one again.
        const markAgain = markCalls(emu)
        const again = await qrLogin(auth)
        expect(again.userId).toBe(first.userId)
        expect(calls(emu, markAgain)).toEqual({ [EP.userToken]: 1, [EP.me]: 1, [EP.userGet]: 1 })
      },
    )

    it.skipIf(skip)(
      'QR login without the corpid scope: getbyunionid names the new userid, the binding follows',
      async () => {
        const login = () => qrLogin(auth, 'openid')
        const first = await login()
        leaveAndComeBackUnderNewUserid()
        const mark = markCalls(emu)
        const back = await login()
        expect(back).toMatchObject({ userId: first.userId, binding: { dingUserId: NEW_USERID } })
        // No call more than any login without the corpid scope makes.
        expect(calls(emu, mark)).toEqual({
          [EP.userToken]: 1,
          [EP.me]: 1,
          [EP.byUnionId]: 1,
          [EP.userGet]: 1,
        })
        expect(await opened.store.findBinding({ corpId: CORP_A, dingUserId: NEW_USERID })).toMatchObject({
          userId: first.userId,
        })
      },
    )

    it.skipIf(skip)(
      'QR login of a person who left and did not come back is still not_corp_member',
      async () => {
        await qrLogin(auth)
        emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
        // Without the corpid scope the server asks getbyunionid, which answers 60121 for someone who is gone.
        await expect(qrLogin(auth, 'openid')).rejects.toMatchObject({ code: 'not_corp_member' })
      },
    )

    it.skipIf(skip)(
      'workbench login: the new userid finds the person by unionId, and the binding moves to it',
      async () => {
        const first = await workbenchLogin(auth, ZHANG_WEI.userid)
        leaveAndComeBackUnderNewUserid()

        const back = await workbenchLogin(auth, NEW_USERID)
        expect(back).toMatchObject({
          userId: first.userId,
          isNewUser: false,
          binding: { dingUserId: NEW_USERID, unionId: ZHANG_WEI.unionId },
        })
        const stored = await opened.store.findBinding({ corpId: CORP_A, dingUserId: NEW_USERID })
        expect(stored).toMatchObject({ userId: first.userId, unionId: ZHANG_WEI.unionId })
        expect(await opened.store.findBinding({ corpId: CORP_A, dingUserId: ZHANG_WEI.userid })).toBeNull()

        // Then a QR login of the same person needs no getbyunionid for the userid (corpid scope).
        const mark = markCalls(emu)
        expect((await qrLogin(auth)).userId).toBe(first.userId)
        expect(calls(emu, mark)).toEqual({ [EP.userToken]: 1, [EP.me]: 1, [EP.userGet]: 1 })
      },
    )
  },
)

describe('a store of your own without updateBindingUserId', () => {
  it('still logs the rehired person in as the same local user, and warns how to keep the binding current', async () => {
    emu.reset()
    const { updateBindingUserId: _left_out, ...store } = createMemoryBindingStore()
    const logger = createRecordingLogger()
    const auth = await createTestAuth(emu, { clientIds: [APP_A], store, logger })
    try {
      const first = await workbenchLogin(auth, ZHANG_WEI.userid)
      leaveAndComeBackUnderNewUserid()
      const back = await workbenchLogin(auth, NEW_USERID)
      expect(back).toMatchObject({ userId: first.userId, isNewUser: false })
      expect(back.binding.dingUserId).toBe(ZHANG_WEI.userid)
      expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([
        expect.stringContaining('implement it'),
      ])
    } finally {
      await auth.close()
    }
  })
})
