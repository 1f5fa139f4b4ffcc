import { defaultFixture } from 'dingtalk-emulator'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_A,
  CORP_A,
  ZHANG_WEI,
  createTestAuth,
  expectAuthError,
  mintFreeLoginCode,
  mintOAuthCode,
  startTestEmulator,
} from './support/emulator'
import type { RunningEmulator } from './support/emulator'

/** 王芳: the one person of corp A the app (APP_A) is visible to. 张伟 is outside its range. */
const WANG_FANG = { userid: 'manager4220', unionId: 'UpnLQkw3lN4q7OJjAl9eiE' }

let emu: RunningEmulator
let auth: DingTalkAuth
beforeAll(async () => {
  const fixture = structuredClone(defaultFixture)
  fixture.apps.find((app) => app.clientId === APP_A)!.visibleUserids = [WANG_FANG.userid]
  emu = await startTestEmulator({ fixture })
})
afterAll(async () => {
  await emu.close()
})
afterEach(async () => {
  await auth.close()
  emu.reset()
})

describe("the app's visible range, as DingTalk applies it", () => {
  it('refuses the QR and the workbench login of someone outside it, and binds nobody', async () => {
    auth = await createTestAuth(emu, { clientIds: [APP_A] })
    for (const scope of ['openid corpid', 'openid']) {
      const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid, scope })
      const refused = await expectAuthError(auth.service.loginByQrCode({ code }))
      expect(refused.status).toBe(403)
      expect(refused.message).toMatch(/outside the app's visible range/)
    }
    const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid })
    const workbench = await expectAuthError(auth.service.loginByWorkbench({ corpId: CORP_A, authCode }))
    expect(workbench.status).toBe(403)
    // The log says what the admin must change: the range, not an API permission.
    expect(workbench.code).toBe('permission_denied')
    expect(workbench.message).toMatch(/outside the app's visible range .*widen it in the developer console/)
    expect(await auth.store.findBinding({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })).toBeNull()

    const inside = await auth.service.loginByQrCode({
      code: await mintOAuthCode(emu, { clientId: APP_A, userid: WANG_FANG.userid }),
    })
    expect(inside.binding).toMatchObject({ dingUserId: WANG_FANG.userid, unionId: WANG_FANG.unionId })
  })

  it('syncs the people inside it only, and calls that crawl complete', async () => {
    auth = await createTestAuth(emu, {
      clientIds: [APP_A],
      directory: { fullSyncEvery: false, leaveRecordsEvery: false },
    })
    const report = await auth.directory.sync()
    expect(report.complete).toBe(true)
    const people = await auth.directory.people(CORP_A)
    expect(people.map((person) => person.dingUserId)).toEqual([WANG_FANG.userid])
  })
})
