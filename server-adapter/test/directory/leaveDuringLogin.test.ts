import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import {
  APP_A,
  CORP_A,
  ZHANG_WEI,
  createTestAuth,
  sessionStatus,
  startTestEmulator,
  workbenchSessionLogin,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

// A leave can be processed while a login of the same person is still asking DingTalk, whose answers predate the
// leave. The leave revokes the person's sessions up to its own moment; the session that login then issues must
// fall under that revocation too, not outlive it as a session issued "after" it.

const SECRET = 'leave-during-login-test-session-secret-32+'
let emu: RunningEmulator
let auth: DingTalkAuth | undefined

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterEach(async () => {
  await auth?.close()
  auth = undefined
  emu.reset()
})
afterAll(async () => {
  await emu.close()
})

it('a session whose login was running when a sync recorded the person as left is ended with the others', async () => {
  let leaveDuringNextLogin = false
  // Lets `v2/user/get` answer (the person is still there), then processes the leave before the login goes on.
  const leavingMidLogin: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    if (leaveDuringNextLogin && new URL(String(input)).pathname === '/topapi/v2/user/get') {
      leaveDuringNextLogin = false
      emu.clock.advance(10_000)
      emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
      expect((await auth!.directory.sync()).people.left).toBe(1)
    }
    return response
  }
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    session: { secret: SECRET },
    fetch: leavingMidLogin,
    directory: { events: 'none', fullSyncEvery: false, leaveRecordsEvery: false },
  })
  await auth.directory.sync()
  const before = await workbenchSessionLogin(emu, auth, ZHANG_WEI.userid)

  leaveDuringNextLogin = true
  const during = await workbenchSessionLogin(emu, auth, ZHANG_WEI.userid)
  expect(leaveDuringNextLogin).toBe(false)

  expect(await sessionStatus(auth, before.token)).toBe(401)
  expect(await sessionStatus(auth, during.token)).toBe(401)
  expect(await auth.sessions.list({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })).toEqual([])
})

it('a session of a login that started after the revocation holds', async () => {
  auth = await createTestAuth(emu, { clientIds: [APP_A], session: { secret: SECRET } })
  await workbenchSessionLogin(emu, auth, ZHANG_WEI.userid)
  expect(await auth.sessions.revokeBinding({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })).toBe(1)
  await new Promise((resolve) => setTimeout(resolve, 5))
  const after = await workbenchSessionLogin(emu, auth, ZHANG_WEI.userid)
  expect(await sessionStatus(auth, after.token)).toBe(200)
})
