import type { DingTalkAuth } from 'dingtalk-login-server'
import { getDingTalkSession } from 'dingtalk-login-server/next'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CORP_A, ZHANG_WEI, createTestAuth, mintFreeLoginCode, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { SECRET } from './scenario'

let emu: RunningEmulator
let auth: DingTalkAuth

beforeAll(async () => {
  emu = await startTestEmulator()
  auth = await createTestAuth(emu, { session: { secret: SECRET } })
})
afterAll(async () => {
  await auth.close()
  await emu.close()
})

/** A workbench login on `origin`: the session token its cookie holds. */
async function signIn(origin: string): Promise<string> {
  const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid })
  const response = await auth.handler(
    new Request(`${origin}/api/auth/dingtalk/login/workbench`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ corpId: CORP_A, authCode }),
    }),
  )
  expect(response.status).toBe(200)
  return ((await response.json()) as { session: { token: string } }).session.token
}

describe('getDingTalkSession(auth, await headers()) on an https site', () => {
  it('takes the scheme from the X-Forwarded-Proto entry the proxy appended, not one the client sent', async () => {
    const token = await signIn('https://app.example.com')
    const headers = (cookie: string) =>
      new Headers({ cookie, host: 'app.example.com', 'x-forwarded-proto': 'http, https' })
    // A sibling subdomain planted the plain name: on https only the __Host- cookie is the app's.
    expect(await getDingTalkSession(auth, headers(`dingtalk_session=${token}`))).toBeNull()
    const seen = await getDingTalkSession(auth, headers(`__Host-dingtalk_session=${token}`))
    expect(seen?.binding.unionId).toBe(ZHANG_WEI.unionId)
  })
})
