import { defaultFixture } from 'dingtalk-emulator'
import type { EmulatorFixture } from 'dingtalk-emulator'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { APP_A, ZHANG_WEI, createTestAuth, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { TestBrowser, errorOf } from './browser'

const ORIGIN = 'http://127.0.0.1:3000'
const SECRET = 'test-session-secret-of-at-least-32-bytes!'
const AES_KEY = '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij'

let emu: RunningEmulator
const opened: DingTalkAuth[] = []

beforeAll(async () => {
  // Redirect URLs registered for an app mounted at the site root and at /api/auth: DingTalk compares the path
  // exactly, so a `//callback` handed out by the server is refused by the login page.
  const fixture: EmulatorFixture = structuredClone(defaultFixture)
  fixture.apps
    .find((app) => app.clientId === APP_A)!
    .redirectUris.push('http://127.0.0.1:*/callback', 'http://127.0.0.1:*/api/auth/callback')
  emu = await startTestEmulator({ fixture })
})
afterAll(() => emu.close())
afterEach(async () => {
  await Promise.all(opened.splice(0).map((auth) => auth.close()))
})

async function authAt(basePath: string): Promise<DingTalkAuth> {
  const auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    basePath,
    session: { secret: SECRET },
    http: { publicOrigin: ORIGIN },
    directory: { events: 'callback', callback: { token: 'callbackToken123', aesKey: AES_KEY } },
  })
  opened.push(auth)
  return auth
}

const pathOf = (setCookie: string) => /;\s*Path=([^;]*)/i.exec(setCookie)?.[1]

describe.each([
  { basePath: '/', mounted: '/', prefix: '' },
  { basePath: '/api/auth/', mounted: '/api/auth', prefix: '/api/auth' },
])('mounted at basePath $basePath', ({ basePath, mounted, prefix }) => {
  const callbackUrl = `${ORIGIN}${prefix}/callback`

  it('hands out one clean redirect URI, and a full-page login through it ends in a session', async () => {
    const auth = await authAt(basePath)
    expect(auth.basePath).toBe(mounted)
    const b = new TestBrowser(ORIGIN, auth.handler, auth.basePath)

    const config = await b.get('config')
    expect(config.status).toBe(200)
    expect(((await config.json()) as { redirectUri: string }).redirectUri).toBe(callbackUrl)
    expect(pathOf(config.headers.get('set-cookie')!)).toBe(mounted)

    const authorize = await b.get('authorize?returnTo=%2Fdashboard')
    expect(authorize.status).toBe(302)
    const location = new URL(authorize.headers.get('location')!)
    expect(location.searchParams.get('redirect_uri')).toBe(callbackUrl)
    const page = await fetch(location)
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain('data-state="error"')
    const scanned = (await (
      await fetch(`${emu.url}/__emulator/scan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: APP_A, userid: ZHANG_WEI.userid, approve: true }),
      })
    ).json()) as { redirectUrl: string }
    expect(scanned.redirectUrl.startsWith(`${callbackUrl}?`)).toBe(true)

    const callback = await b.get(scanned.redirectUrl)
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toBe(`${ORIGIN}/dashboard`)
    const session = callback.headers.getSetCookie().find((line) => line.startsWith('dingtalk_session='))
    expect(pathOf(session!)).toBe('/')
    expect((await b.get('session')).status).toBe(200)
    expect((await b.post('logout', {})).status).toBe(204)
    expect((await b.get('session')).status).toBe(401)
  })

  it('serves DingTalk’s HTTP callbacks at <basePath>/events, the URL the doctor names', async () => {
    const auth = await authAt(basePath)
    // A forged push: the events route refuses its signature (the login routes would answer "no such route").
    const pushed = await auth.handler(
      new Request(`${ORIGIN}${prefix}/events?signature=forged&timestamp=1700000000000&nonce=abc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ encrypt: 'x' }),
      }),
    )
    expect(await errorOf(pushed)).toMatchObject({ status: 401, code: 'invalid_signature' })
    const report = await auth.doctor()
    const eventsUrl = report.checks.find((check) => check.id === 'events:callback-url')!
    expect(eventsUrl.message).toContain(`${ORIGIN}${prefix}/events `)
  })

  it('the doctor asks DingTalk’s login page about the same redirect URI, and it is accepted', async () => {
    const auth = await authAt(basePath)
    const report = await auth.doctor()
    const redirect = report.checks.find((check) => check.id === 'redirect-uri')!
    expect(redirect.status).toBe('ok')
    expect(redirect.message).toBe(`DingTalk's login page accepts redirect_uri ${callbackUrl}`)
  })
})
