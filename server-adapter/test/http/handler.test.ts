import { randomBytes } from 'node:crypto'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createDingTalkHandler } from 'dingtalk-login-server'
import type { DingTalkHandler } from 'dingtalk-login-server'
import {
  APP_A,
  APP_B,
  CORP_A,
  CORP_B,
  EP,
  LI_NA,
  ZHANG_WEI,
  ZHAO_MIN,
  calls,
  createRecordingLogger,
  createTestAuth,
  mintFreeLoginCode,
  mintOAuthCode,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { TestBrowser, errorOf } from './browser'
import { recordingBindingStore, recordingStateStore } from './recording'

const ORIGIN = 'http://127.0.0.1:3000'
const SECRET = 'test-session-secret-of-at-least-32-bytes!'

let emu: RunningEmulator
let auth: DingTalkAuth
let http: DingTalkHandler
let t: number
let stateStore: ReturnType<typeof recordingStateStore>
let bindings: ReturnType<typeof recordingBindingStore>
let logger: ReturnType<typeof createRecordingLogger>

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
})
beforeEach(async () => {
  emu.reset()
  t = Date.now()
  stateStore = recordingStateStore(() => t)
  bindings = recordingBindingStore()
  logger = createRecordingLogger()
  auth = await createTestAuth(emu, { now: () => t, store: bindings, logger })
  http = createDingTalkHandler(auth, {
    session: { secret: SECRET },
    stateStore,
    defaultInstance: auth.instances[0]!.name,
  })
})

const browser = () => new TestBrowser(ORIGIN, http.handler)
const appOf = (clientId: string) => emu.fixture.apps.find((a) => a.clientId === clientId)!

async function configOf(b: TestBrowser, query = '') {
  const response = await b.get(`config${query}`)
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, string>
}

/** Proves a refused request left nothing behind in either store. */
async function expectNothingWritten(run: () => Promise<void>) {
  const stateWrites = stateStore.writes
  const bindingWrites = bindings.writes
  const live = await stateStore.liveWrittenKeys()
  await run()
  expect(bindings.writes).toBe(bindingWrites)
  expect(stateStore.writes).toBe(stateWrites)
  expect(await stateStore.liveWrittenKeys()).toEqual(live)
}

describe('GET /config', () => {
  it('answers the public config and a fresh state bound to an HttpOnly SameSite=Lax cookie', async () => {
    const b = browser()
    const response = await b.get('config')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const config = (await response.json()) as Record<string, string>
    expect(config).toEqual({
      appKey: APP_A,
      corpId: CORP_A,
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      redirectUri: `${ORIGIN}/api/auth/dingtalk/callback`,
      scope: 'openid corpid',
      loginOrigin: emu.url,
      scriptSrc: `${emu.url}/ddlogin.js`,
    })
    // The cookie holds a separate random browser nonce, never the state (which travels in URLs and bodies).
    const nonce = b.jar.get('dingtalk_login_state')!
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(nonce).not.toBe(config.state)
    expect(b.setCookies).toEqual([
      `dingtalk_login_state=${nonce}; Path=/api/auth/dingtalk; Max-Age=600; HttpOnly; SameSite=Lax`,
    ])
    expect(JSON.stringify(config)).not.toContain(appOf(APP_A).clientSecret)
    // Stored hashed: the state itself is in no key and no value of the store.
    expect((await stateStore.liveWrittenKeys()).join()).not.toContain(config.state)
  })

  it('picks the instance by corpId or instance name; unknown corp is unknown_corp in the asked language', async () => {
    const b = browser()
    expect((await configOf(b, `?corpId=${CORP_B}`)).appKey).toBe(APP_B)
    expect((await configOf(b, `?instance=${auth.instances[1]!.name}`)).appKey).toBe(APP_B)
    const en = await errorOf(await b.get('config?corpId=dingnotconfigured'))
    expect(en).toEqual({
      status: 404,
      code: 'unknown_corp',
      message: 'DingTalk login is not configured for this organization',
    })
    const zh = await errorOf(
      await b.get('config?corpId=dingnotconfigured', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }),
    )
    expect(zh.message).toBe('未配置该组织的钉钉登录')
  })

  it('points at the real DingTalk login page and CDN script when configured for real DingTalk', async () => {
    const real = await createTestAuth(emu, { dingtalk: { loginBase: 'https://login.dingtalk.com' } })
    const h = createDingTalkHandler(real, {
      session: { secret: SECRET },
      defaultInstance: real.instances[0]!.name,
    })
    const config = (await (
      await h.handler(new Request(`${ORIGIN}/api/auth/dingtalk/config`))
    ).json()) as Record<string, string>
    expect(config.loginOrigin).toBe('https://login.dingtalk.com')
    expect(config.scriptSrc).toBe('https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js')
  })

  it('on https names the state cookie __Host- (Secure, Path=/, no Domain) and reads only that name', async () => {
    const b = new TestBrowser('https://app.example.com', http.handler)
    const { state } = await configOf(b)
    const nonce = b.jar.get('__Host-dingtalk_login_state')!
    expect(b.setCookies).toEqual([
      `__Host-dingtalk_login_state=${nonce}; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax`,
    ])
    // A same-named cookie without the prefix (a sibling subdomain can plant one) is not the browser's proof.
    const planted = new TestBrowser('https://app.example.com', http.handler)
    planted.jar.set('dingtalk_login_state', nonce)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const refused = await planted.post('login/qr', { code, state, platform: 'web' })
    expect(await errorOf(refused)).toMatchObject({ status: 400, code: 'invalid_state' })
    const login = await b.post('login/qr', { code, state, platform: 'web' })
    expect(login.status).toBe(200)
  })
})

describe('QR login', () => {
  it('config → state cookie → code → login → session (cookie and Bearer) → logout', async () => {
    const b = browser()
    const { state } = await configOf(b)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const login = await b.post('login/qr', { code, state, platform: 'web' })
    expect(login.status).toBe(200)
    expect(login.headers.get('cache-control')).toBe('no-store')
    const result = (await login.json()) as {
      userId: string
      isNewUser: boolean
      binding: Record<string, unknown>
      user: Record<string, unknown>
      session: { token: string; expiresAt: number }
    }
    expect(result).toMatchObject({
      isNewUser: true,
      binding: { corpId: CORP_A, dingUserId: ZHANG_WEI.userid, unionId: ZHANG_WEI.unionId },
      user: { id: result.userId, name: '张伟' },
    })
    expect(result.session.expiresAt).toBe((Math.floor(t / 1000) + 604_800) * 1000)
    expect(b.jar.get('dingtalk_session')).toBe(result.session.token)
    expect(b.setCookies.at(-1)).toBe(
      `dingtalk_session=${result.session.token}; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax`,
    )

    const session = await b.get('session')
    expect(session.status).toBe(200)
    expect(await session.json()).toEqual({ user: result.user, binding: result.binding })

    const webView = new TestBrowser(ORIGIN, http.handler) // no cookies, as in a WebView that drops them
    const bearer = await webView.get('session', { authorization: `Bearer ${result.session.token}` })
    expect(bearer.status).toBe(200)

    const logout = await b.request('logout', { method: 'POST', headers: { origin: ORIGIN } })
    expect(logout.status).toBe(204)
    expect(b.jar.has('dingtalk_session')).toBe(false)
    expect((await errorOf(await b.get('session'))).status).toBe(401)
    // The token itself is revoked too, not only the cookie.
    expect(
      await errorOf(await webView.get('session', { authorization: `Bearer ${result.session.token}` })),
    ).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    })
  })

  it('serves several concurrent logins in one browser: two tabs, two QR components and a refresh each work', async () => {
    const b = browser()
    const first = await configOf(b)
    const nonce = b.jar.get('dingtalk_login_state')
    const second = await configOf(b) // a second tab or a second QR component
    t += 9 * 60_000
    const refreshed = await configOf(b) // the first tab's refresh before its state expires
    // One browser binding for all of them: the cookie is renewed, never replaced.
    expect(b.jar.get('dingtalk_login_state')).toBe(nonce)
    const login = async (state: string | undefined, userid: string) => {
      const code = await mintOAuthCode(emu, { clientId: APP_A, userid })
      return b.post('login/qr', { code, state, platform: 'web' })
    }
    // The oldest state is used first: before the fix the newer /config had overwritten its cookie.
    expect((await login(first.state, ZHANG_WEI.userid)).status).toBe(200)
    const other = browser()
    await configOf(other)
    const fromOther = await other.post('login/qr', {
      code: await mintOAuthCode(emu, { clientId: APP_A, userid: LI_NA.useridA }),
      state: second.state,
      platform: 'web',
    })
    expect(await errorOf(fromOther)).toMatchObject({ status: 400, code: 'invalid_state' })
    expect(refreshed.state).not.toBe(second.state)
  })

  it('answers a double callback from the same browser within 60 s with the first result, exchanging once', async () => {
    const b = browser()
    const { state } = await configOf(b)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => b.post('login/qr', { code, state, platform: 'web' })),
    )
    const later = await b.post('login/qr', { code, state, platform: 'web' })
    const bodies = (await Promise.all([...concurrent, later].map((r) => r.json()))) as { userId: string }[]
    expect([...concurrent, later].map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(new Set(bodies.map((x) => x.userId)).size).toBe(1)
    expect(calls(emu)[EP.userToken]).toBe(1)
    expect(bindings.writes).toBe(1)
  })

  it('refuses a replayed code after 60 s, and a reuse from another browser at once, without writing', async () => {
    const b = browser()
    const { state } = await configOf(b)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    expect((await b.post('login/qr', { code, state, platform: 'web' })).status).toBe(200)

    const other = browser()
    const { state: otherState } = await configOf(other)
    await expectNothingWritten(async () => {
      expect(
        await errorOf(await other.post('login/qr', { code, state: otherState, platform: 'web' })),
      ).toMatchObject({
        status: 401,
        code: 'code_invalid',
      })
    })
    const before = bindings.writes
    t += 61_000
    const stateWrites = stateStore.writes
    expect(await errorOf(await b.post('login/qr', { code, state, platform: 'web' }))).toMatchObject({
      status: 401,
      code: 'code_invalid',
    })
    expect(bindings.writes).toBe(before)
    expect(stateStore.writes).toBe(stateWrites)
    expect(calls(emu)[EP.userToken]).toBe(1)
  })

  it.each([
    [
      'forged (never issued)',
      async (b: TestBrowser) => {
        const forged = randomBytes(32).toString('base64url')
        b.jar.set('dingtalk_login_state', forged)
        return forged
      },
    ],
    [
      'expired (older than 10 minutes)',
      async (b: TestBrowser) => {
        const { state } = await configOf(b)
        t += 600_001
        return state
      },
    ],
    [
      'replayed (already used)',
      async (b: TestBrowser) => {
        const { state } = await configOf(b)
        const first = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
        expect((await b.post('login/qr', { code: first, state, platform: 'web' })).status).toBe(200)
        return state
      },
    ],
    [
      'not the one in the cookie',
      async (b: TestBrowser) => {
        const { state } = await configOf(b)
        await configOf(browser())
        b.jar.set('dingtalk_login_state', randomBytes(32).toString('base64url'))
        return state
      },
    ],
    ['missing', async () => undefined],
  ])('refuses a %s state with invalid_state and writes nothing', async (_name, prepare) => {
    const b = browser()
    const state = await prepare(b)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: LI_NA.useridA })
    const exchanges = calls(emu)[EP.userToken] ?? 0
    await expectNothingWritten(async () => {
      const error = await errorOf(await b.post('login/qr', { code, state, platform: 'web' }))
      expect(error).toMatchObject({ status: 400, code: 'invalid_state' })
    })
    expect(calls(emu)[EP.userToken] ?? 0).toBe(exchanges)
  })

  it("refuses a code of corp A on corp B's instance with code_invalid, leaving no binding", async () => {
    const b = browser()
    const { state, appKey } = await configOf(b, `?corpId=${CORP_B}`)
    expect(appKey).toBe(APP_B)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const live = await stateStore.liveWrittenKeys()
    expect(await errorOf(await b.post('login/qr', { code, state, platform: 'web' }))).toMatchObject({
      status: 401,
      code: 'code_invalid',
    })
    expect(bindings.writes).toBe(0)
    // The state is used up and the code leaves no record: fewer live keys than before, none new.
    expect(await stateStore.liveWrittenKeys()).toEqual(live.filter((k) => !k.startsWith('state:')))
  })
})

describe('workbench login', () => {
  it('logs in with a free-login code and starts a session', async () => {
    const b = browser()
    const authCode = await mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHAO_MIN.userid })
    const response = await b.post('login/workbench', { corpId: CORP_B, authCode, platform: 'android' })
    expect(response.status).toBe(200)
    const result = (await response.json()) as {
      binding: { corpId: string; dingUserId: string }
      session: { token: string }
    }
    expect(result.binding).toMatchObject({ corpId: CORP_B, dingUserId: ZHAO_MIN.userid })
    expect((await b.get('session')).status).toBe(200)
  })

  it('refuses a free-login code of corp A posted for corp B, and a reused code', async () => {
    const b = browser()
    const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: LI_NA.useridA })
    expect(
      await errorOf(await b.post('login/workbench', { corpId: CORP_B, authCode, platform: 'ios' })),
    ).toMatchObject({
      status: 401,
      code: 'code_invalid',
    })
    expect(bindings.writes).toBe(0)
    const good = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: LI_NA.useridA })
    expect(
      (await b.post('login/workbench', { corpId: CORP_A, authCode: good, platform: 'ios' })).status,
    ).toBe(200)
    const writes = bindings.writes
    // No cookie proves the client: a repeat without the first login's session is refused.
    const strangers = await Promise.all(
      Array.from({ length: 3 }, () =>
        browser().post('login/workbench', { corpId: CORP_A, authCode: good, platform: 'ios' }),
      ),
    )
    expect(strangers.map((r) => r.status)).toEqual([401, 401, 401])
    expect(bindings.writes).toBe(writes)
    expect(calls(emu)[EP.getUserInfo]).toBe(2)
  })

  it('refuses an unknown corp with unknown_corp before any DingTalk call', async () => {
    await expectNothingWritten(async () => {
      const error = await errorOf(
        await browser().post('login/workbench', { corpId: 'dingunknown', authCode: 'abc', platform: 'ios' }),
      )
      expect(error).toMatchObject({ status: 404, code: 'unknown_corp' })
    })
    expect(emu.stats().total).toBe(0)
  })
})

describe('POST rules', () => {
  it('refuses a cross-site form POST with unsupported_media_type', async () => {
    const b = browser()
    const { state } = await configOf(b)
    await expectNothingWritten(async () => {
      const response = await b.request('login/qr', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: `code=abc&state=${state}&platform=web`,
      })
      expect(await errorOf(response)).toMatchObject({ status: 415, code: 'unsupported_media_type' })
    })
  })

  it('closes the connection on every refusal answered before the body was read', async () => {
    const b = browser()
    const { state } = await configOf(b)
    const form = await b.request('login/qr', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: `code=abc&state=${state}&platform=web`,
    })
    expect(form.status).toBe(415)
    expect(form.headers.get('connection')).toBe('close')
    const foreign = await b.post('login/qr', { code: 'abc', state }, { origin: 'https://evil.example' })
    expect(foreign.status).toBe(400)
    expect(foreign.headers.get('connection')).toBe('close')
    const logout = await b.request('logout', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: 'x',
    })
    expect(logout.status).toBe(415) // a string body is text/plain
    expect(logout.headers.get('connection')).toBe('close')
    // Refused after the whole body was read: the connection can be reused.
    const read = await b.post('login/qr', { code: 'abc', state: 'A'.repeat(43), platform: 'web' })
    expect((await errorOf(read)).code).toBe('invalid_state')
    expect(read.headers.get('connection')).toBeNull()
  })

  it('refuses JSON from a foreign Origin, accepts a listed one with CORS headers', async () => {
    const b = browser()
    const { state } = await configOf(b)
    await expectNothingWritten(async () => {
      const error = await errorOf(
        await b.post('login/qr', { code: 'abc', state, platform: 'web' }, { origin: 'https://evil.example' }),
      )
      expect(error).toMatchObject({ status: 400, code: 'invalid_request', field: 'origin' })
    })
    const cors = createDingTalkHandler(auth, {
      session: { secret: SECRET },
      stateStore,
      allowedOrigins: ['https://spa.example.com'],
      defaultInstance: auth.instances[0]!.name,
    })
    const c = new TestBrowser(ORIGIN, cors.handler)
    const { state: s2 } = await configOf(c)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const ok = await c.post(
      'login/qr',
      { code, state: s2, platform: 'web' },
      { origin: 'https://spa.example.com' },
    )
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://spa.example.com')
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true')
    const preflight = await c.request('login/qr', {
      method: 'OPTIONS',
      headers: { origin: 'https://spa.example.com' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST')
  })

  it('refuses an oversized body by Content-Length and by streaming, with payload_too_large', async () => {
    const b = browser()
    const { state } = await configOf(b)
    await expectNothingWritten(async () => {
      const big = JSON.stringify({ code: 'x'.repeat(20_000), state, platform: 'web' })
      expect(await errorOf(await b.post('login/qr', big))).toMatchObject({
        status: 413,
        code: 'payload_too_large',
      })
      let pulled = 0
      const endless = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            pulled++
            controller.enqueue(new TextEncoder().encode(' '.repeat(1024)))
          },
        },
        { highWaterMark: 0 },
      )
      const response = await b.request('login/qr', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: endless,
      })
      expect(await errorOf(response)).toMatchObject({ status: 413, code: 'payload_too_large' })
      expect(response.headers.get('connection')).toBe('close')
      expect(pulled).toBeLessThanOrEqual(18)
    })
  })

  it('refuses malformed JSON and names the invalid field', async () => {
    const b = browser()
    const { state } = await configOf(b)
    await expectNothingWritten(async () => {
      expect(await errorOf(await b.post('login/qr', '{"code": "abc", "state": '))).toMatchObject({
        status: 400,
        code: 'invalid_request',
        field: 'body',
      })
      expect(await errorOf(await b.post('login/qr', { state, platform: 'web' }))).toMatchObject({
        code: 'invalid_request',
        field: 'code',
      })
      expect(await errorOf(await b.post('login/qr', { code: 42, state, platform: 'web' }))).toMatchObject({
        field: 'code',
      })
      expect(
        await errorOf(await b.post('login/qr', { code: 'abc', state, platform: 'desktop' })),
      ).toMatchObject({ field: 'platform' })
      expect(await errorOf(await b.post('login/workbench', { authCode: 'abc' }))).toMatchObject({
        field: 'corpId',
      })
      expect(await errorOf(await b.post('login/workbench', { corpId: CORP_A }))).toMatchObject({
        field: 'authCode',
      })
    })
  })
})

describe('sessions', () => {
  it('refuses a tampered session token', async () => {
    const b = browser()
    const { state } = await configOf(b)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const { session } = (await (await b.post('login/qr', { code, state, platform: 'web' })).json()) as {
      session: { token: string }
    }
    const [h, p, s] = session.token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${s}`
    await expectNothingWritten(async () => {
      expect(
        await errorOf(await browser().get('session', { authorization: `Bearer ${tampered}` })),
      ).toMatchObject({
        status: 401,
        code: 'unauthenticated',
      })
      expect(
        await errorOf(await browser().get('session', { cookie: `dingtalk_session=${tampered}` })),
      ).toMatchObject({ status: 401 })
      expect(await errorOf(await browser().get('session'))).toMatchObject({ status: 401 })
    })
  })

  it('keeps sessions of a rotated-out secret valid while it is listed as previous', async () => {
    const b = browser()
    const { state } = await configOf(b)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const { session } = (await (await b.post('login/qr', { code, state, platform: 'web' })).json()) as {
      session: { token: string }
    }
    const rotated = createDingTalkHandler(auth, {
      session: { secret: 'a-brand-new-secret-with-32-bytes-or-more', previousSecrets: [SECRET] },
      stateStore,
    })
    const r = new TestBrowser(ORIGIN, rotated.handler)
    expect((await r.get('session', { authorization: `Bearer ${session.token}` })).status).toBe(200)
  })

  it('hands the login to onLogin instead when given', async () => {
    const seen: string[] = []
    const own = createDingTalkHandler(auth, {
      stateStore,
      defaultInstance: auth.instances[0]!.name,
      onLogin: (result, request) => {
        seen.push(`${result.userId} ${new URL(request.url).pathname}`)
        return new Response(JSON.stringify({ mine: true }), {
          headers: { 'set-cookie': 'app_session=1; Path=/' },
        })
      },
    })
    const b = new TestBrowser(ORIGIN, own.handler)
    const { state } = await configOf(b)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const response = await b.post('login/qr', { code, state, platform: 'web' })
    expect(await response.json()).toEqual({ mine: true })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(b.jar.get('app_session')).toBe('1')
    expect(seen).toEqual([expect.stringMatching(/ \/api\/auth\/dingtalk\/login\/qr$/)])
  })
})

describe('full-page redirect login', () => {
  it('authorize → DingTalk login page → callback → session, then to returnTo', async () => {
    const b = browser()
    const authorize = await b.get('authorize?returnTo=%2Fdashboard%3Ftab%3D1')
    expect(authorize.status).toBe(302)
    const location = new URL(authorize.headers.get('location')!)
    expect(`${location.origin}${location.pathname}`).toBe(`${emu.url}/oauth2/auth`)
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: APP_A,
      redirect_uri: `${ORIGIN}/api/auth/dingtalk/callback`,
      response_type: 'code',
      scope: 'openid corpid',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    })
    expect((await fetch(location)).status).toBe(200) // the login page, waiting for a scan
    const scanned = (await (
      await fetch(`${emu.url}/__emulator/scan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: APP_A, userid: ZHANG_WEI.userid, approve: true }),
      })
    ).json()) as { redirectUrl: string }
    const callback = await b.get(scanned.redirectUrl)
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toBe(`${ORIGIN}/dashboard?tab=1`)
    expect(b.jar.has('dingtalk_session')).toBe(true)
    expect((await b.get('session')).status).toBe(200)
  })

  it('refuses a returnTo outside the allow-list (no open redirect)', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      const response = await browser().get(`authorize?returnTo=${encodeURIComponent(returnTo)}`)
      expect(response.headers.get('location')).toBeNull()
      expect(await errorOf(response)).toMatchObject({
        status: 400,
        code: 'invalid_request',
        field: 'returnTo',
      })
    }
  })

  it('refuses a replay of a leaked callback URL from another browser that copies the state into its cookie', async () => {
    const victim = browser()
    const authorize = await victim.get('authorize?returnTo=%2Fdashboard')
    const state = new URL(authorize.headers.get('location')!).searchParams.get('state')!
    // The cookie holds a separate browser nonce, never the state that travels in the URL.
    expect(victim.jar.get('dingtalk_login_state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(victim.jar.get('dingtalk_login_state')).not.toBe(state)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const callbackUrl = `callback?authCode=${code}&state=${state}`
    expect((await victim.get(callbackUrl)).status).toBe(302)
    t += 1_000
    // Someone who read the callback URL (an access log) replays it within the 60 s window.
    const attacker = browser()
    attacker.jar.set('dingtalk_login_state', state)
    const replay = await attacker.get(callbackUrl)
    expect(replay.headers.get('location')).toBeNull()
    expect(['invalid_state', 'code_invalid']).toContain((await errorOf(replay)).code)
    expect(attacker.jar.has('dingtalk_session')).toBe(false)
    // The genuine double callback from the victim's browser still gets the first result.
    const again = await victim.get(callbackUrl)
    expect(again.status).toBe(302)
    expect(calls(emu)[EP.userToken]).toBe(1)
  })

  it('a genuine double callback from the same browser keeps returnTo', async () => {
    const b = browser()
    const authorize = await b.get('authorize?returnTo=%2Fdashboard%3Ftab%3D2')
    const state = new URL(authorize.headers.get('location')!).searchParams.get('state')!
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const first = await b.get(`callback?authCode=${code}&state=${state}`)
    const second = await b.get(`callback?authCode=${code}&state=${state}`)
    expect(first.headers.get('location')).toBe(`${ORIGIN}/dashboard?tab=2`)
    expect(second.status).toBe(302)
    expect(second.headers.get('location')).toBe(`${ORIGIN}/dashboard?tab=2`)
    expect(calls(emu)[EP.userToken]).toBe(1)
  })

  it('refuses a QR login replayed with the state copied into a fresh cookie', async () => {
    const victim = browser()
    const { state } = await configOf(victim)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    expect((await victim.post('login/qr', { code, state, platform: 'web' })).status).toBe(200)
    const attacker = browser()
    attacker.jar.set('dingtalk_login_state', state!)
    const replay = await attacker.post('login/qr', { code, state, platform: 'web' })
    expect(['invalid_state', 'code_invalid']).toContain((await errorOf(replay)).code)
    expect(attacker.jar.has('dingtalk_session')).toBe(false)
    const again = await victim.post('login/qr', { code, state, platform: 'web' })
    expect(again.status).toBe(200)
  })

  it("refuses a callback whose state is not this browser's", async () => {
    const victim = browser()
    const authorize = await victim.get('authorize')
    const state = new URL(authorize.headers.get('location')!).searchParams.get('state')!
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    await expectNothingWritten(async () => {
      const error = await errorOf(
        await browser().get(`callback?authCode=${code}&code=${code}&state=${state}`),
      )
      expect(error).toMatchObject({ status: 400, code: 'invalid_state' })
    })
  })
})

describe('hygiene', () => {
  it('answers unknown routes and methods as JSON errors, with no-store', async () => {
    const b = browser()
    const unknown = await b.get('nope')
    expect(unknown.headers.get('cache-control')).toBe('no-store')
    expect(await errorOf(unknown)).toMatchObject({ status: 400, code: 'invalid_request', field: 'path' })
    expect(await errorOf(await b.get('login/qr'))).toMatchObject({ status: 400, field: 'method' })
  })

  it('never puts codes, states, secrets or tokens in a log line', async () => {
    const b = browser()
    const { state } = await configOf(b)
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const { session } = (await (await b.post('login/qr', { code, state, platform: 'web' })).json()) as {
      session: { token: string }
    }
    await b.post('login/qr', { code, state, platform: 'web' }, { cookie: 'dingtalk_login_state=x' })
    await b.post('login/qr', { code, state: 'not-a-state', platform: 'web' })
    await b.post('login/workbench', { corpId: CORP_A, authCode: code, platform: 'ios' })
    const text = logger.lines.join('\n')
    expect(logger.lines.length).toBeGreaterThan(0)
    for (const secret of [code, state, session.token, appOf(APP_A).clientSecret, SECRET])
      expect(text).not.toContain(secret)
    // The stable error code of a refusal stays readable (it is not a DingTalk code).
    expect(text).toContain('"errorCode":"invalid_state"')
  })
})

describe('createDingTalkAuth wiring', () => {
  it('serves the routes from auth.handler when given a session secret', async () => {
    const wired = await createTestAuth(emu, {
      session: { secret: SECRET },
      basePath: '/auth/dd/',
      http: { defaultInstance: auth.instances[0]!.name },
    })
    expect(wired.basePath).toBe('/auth/dd')
    const b = new TestBrowser(ORIGIN, wired.handler, '/auth/dd')
    const { state } = (await (await b.get('config')).json()) as { state: string }
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    expect((await b.post('login/qr', { code, state, platform: 'web' })).status).toBe(200)
    expect((await b.get('session')).status).toBe(200)
    await wired.close()
  })

  it('answers config_error on every route when neither session nor onLogin is given', async () => {
    const bare = await createTestAuth(emu)
    const response = await bare.handler(new Request(`${ORIGIN}/api/auth/dingtalk/config`))
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await errorOf(response)).toMatchObject({ status: 500, code: 'config_error' })
  })

  it('refuses a session secret under 32 bytes at startup', async () => {
    await expect(createTestAuth(emu, { session: { secret: 'too-short' } })).rejects.toMatchObject({
      code: 'config_error',
      message: expect.stringMatching(
        /session\.secret: expected .*at least 32 bytes.*found 9 bytes.*randomBytes\(32\)/s,
      ),
    })
  })
})
