import type { DingTalkAuth } from 'dingtalk-login-server'
import { getDingTalkSession } from 'dingtalk-login-server/next'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
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
afterEach(() => {
  vi.unstubAllEnvs()
})

/** A workbench login on `origin` through `login`'s routes: the session token its cookie holds. */
async function signIn(origin: string, login: DingTalkAuth = auth): Promise<string> {
  const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid })
  const response = await login.handler(
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

/** What `cookies()` of next/headers gives when the browser sent one cookie. */
const cookieStore = (name: string, value: string) => ({ getAll: () => [{ name, value }] })

describe('getDingTalkSession(auth, await cookies())', () => {
  it('on an https site ignores a plain-named session cookie a sibling subdomain planted', async () => {
    const token = await signIn('https://app.example.com')
    // The attacker's own valid session, planted as `dingtalk_session`: the victim would be signed in as them.
    expect(await getDingTalkSession(auth, cookieStore('dingtalk_session', token))).toBeNull()
    const own = await getDingTalkSession(auth, cookieStore('__Host-dingtalk_session', token))
    expect(own?.binding.unionId).toBe(ZHANG_WEI.unionId)
  })

  it('reads the plain name under next dev on http://localhost, and the __Host- one under next dev --experimental-https', async () => {
    vi.stubEnv('NODE_ENV', 'development')
    const token = await signIn('http://localhost:3000')
    expect((await getDingTalkSession(auth, cookieStore('dingtalk_session', token)))?.user.id).toBeDefined()
    expect(
      (await getDingTalkSession(auth, cookieStore('__Host-dingtalk_session', token)))?.user.id,
    ).toBeDefined()
  })

  it('follows http.publicOrigin when set: plain http in production reads the plain name, https only __Host-', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    for (const publicOrigin of ['http://intranet.example:8080', 'https://app.example.com']) {
      const login = await createTestAuth(emu, { session: { secret: SECRET }, http: { publicOrigin } })
      try {
        const token = await signIn(publicOrigin, login)
        const plain = await getDingTalkSession(login, cookieStore('dingtalk_session', token))
        const host = await getDingTalkSession(login, cookieStore('__Host-dingtalk_session', token))
        if (publicOrigin.startsWith('http:'))
          expect([plain?.user.id, host]).toEqual([expect.any(String), null])
        else expect([plain, host?.user.id]).toEqual([null, expect.any(String)])
      } finally {
        await login.close()
      }
    }
  })
})
