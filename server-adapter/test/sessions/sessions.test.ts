import type {} from '../../../test/support/services'
import { randomUUID } from 'node:crypto'
import { createDingTalkHandler, createRedisStateStore, createSessionManager } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkHandler, StateStore } from 'dingtalk-login-server'
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { TestBrowser, errorOf } from '../http/browser'
import { recordingStateStore } from '../http/recording'
import {
  APP_A,
  APP_B,
  CORP_A,
  CORP_B,
  LI_NA,
  ZHANG_WEI,
  createTestAuth,
  mintFreeLoginCode,
  mintOAuthCode,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

const { redis } = inject('services')
const ORIGIN = 'http://127.0.0.1:3000'
const SECRET = 'sessions-test-secret-of-at-least-32-bytes'

let emu: RunningEmulator
let auth: DingTalkAuth
let t: number
let stateStore: ReturnType<typeof recordingStateStore>

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
  auth = await createTestAuth(emu, {
    now: () => t,
    session: { secret: SECRET },
    stateStore,
    http: { defaultInstance: 'dd0aph2' },
  })
})

/** A QR login of `userid` in corp A through the routes; the browser keeps its cookies. */
async function qrLogin(b: TestBrowser, userid: string, clientId = APP_A) {
  const config = (await (await b.get(clientId === APP_A ? 'config' : `config?corpId=${CORP_B}`)).json()) as {
    state: string
  }
  const code = await mintOAuthCode(emu, { clientId, userid })
  const response = await b.post('login/qr', { code, state: config.state, platform: 'web' })
  expect(response.status).toBe(200)
  return (await response.json()) as { userId: string; session: { token: string } }
}

const browser = (origin = ORIGIN, handler: DingTalkHandler['handler'] = auth.handler) =>
  new TestBrowser(origin, handler)

describe('GET /session', () => {
  it('answers unauthenticated (401) without a session, not code_invalid', async () => {
    expect(await errorOf(await browser().get('session'))).toEqual({
      status: 401,
      code: 'unauthenticated',
      message: 'You are not signed in, or your session has ended; please sign in',
    })
    const zh = await errorOf(await browser().get('session', { 'accept-language': 'zh-CN' }))
    expect(zh.message).toBe('未登录或登录已失效，请重新登录')
  })
})

describe('the session index', () => {
  it('lists and revokes every session of a local user at once, refused everywhere', async () => {
    const laptop = browser()
    const phone = browser()
    const first = await qrLogin(laptop, ZHANG_WEI.userid)
    const second = await qrLogin(phone, ZHANG_WEI.userid)
    const other = browser()
    const bystander = await qrLogin(other, LI_NA.useridA)
    expect(second.userId).toBe(first.userId)
    const listed = await auth.sessions.list({ userId: first.userId })
    expect(listed.map((s) => s.unionId)).toEqual([ZHANG_WEI.unionId, ZHANG_WEI.unionId])
    expect(listed[0]).toMatchObject({ corpId: CORP_A, dingUserId: ZHANG_WEI.userid, userId: first.userId })
    expect(
      await auth.getSession(
        new Request(`${ORIGIN}/`, { headers: { cookie: `dingtalk_session=${first.session.token}` } }),
      ),
    ).toMatchObject({ user: { id: first.userId }, binding: { unionId: ZHANG_WEI.unionId } })

    expect(await auth.sessions.revokeUser(first.userId)).toBe(2)
    for (const b of [laptop, phone])
      expect((await errorOf(await b.get('session'))).code).toBe('unauthenticated')
    expect(await auth.sessions.verify(first.session.token)).toBeNull()
    // A host verifying the cookie itself with the exported manager sees the revocation too.
    const own = createSessionManager({ secret: SECRET, stateStore, now: () => t })
    expect(await own.verify(second.session.token)).toBeNull()
    expect(
      await auth.getSession(
        new Request(`${ORIGIN}/`, { headers: { authorization: `Bearer ${first.session.token}` } }),
      ),
    ).toBeNull()
    expect(await auth.sessions.list({ userId: first.userId })).toEqual([])
    // Someone else is untouched, and the revoked person can sign in again.
    expect((await other.get('session')).status).toBe(200)
    expect(await auth.sessions.verify(bystander.session.token)).not.toBeNull()
    t += 1
    const again = await qrLogin(laptop, ZHANG_WEI.userid)
    expect((await laptop.get('session')).status).toBe(200)
    expect(await auth.sessions.list({ userId: again.userId })).toHaveLength(1)
  })

  it('revokes the sessions of a DingTalk person in one corp (by unionId or userid), not in the other', async () => {
    const inA = browser()
    const inB = browser()
    const a = await qrLogin(inA, LI_NA.useridA)
    const workbench = await inB.post('login/workbench', {
      corpId: CORP_B,
      authCode: await mintFreeLoginCode(emu, { corpId: CORP_B, userid: LI_NA.useridB, clientId: APP_B }),
      platform: 'ios',
    })
    expect(workbench.status).toBe(200)
    expect(await auth.sessions.list({ corpId: CORP_A, unionId: LI_NA.unionId })).toHaveLength(1)
    expect(await auth.sessions.list({ corpId: CORP_B, dingUserId: LI_NA.useridB })).toHaveLength(1)
    expect(await auth.sessions.revokeBinding({ corpId: CORP_A, dingUserId: LI_NA.useridA })).toBe(1)
    expect((await errorOf(await inA.get('session'))).code).toBe('unauthenticated')
    expect(await auth.sessions.verify(a.session.token)).toBeNull()
    expect((await inB.get('session')).status).toBe(200)
    expect(await auth.sessions.revokeBinding({ corpId: CORP_B, unionId: LI_NA.unionId })).toBe(1)
    expect((await errorOf(await inB.get('session'))).code).toBe('unauthenticated')
    expect(await auth.sessions.revokeBinding({ corpId: CORP_B, unionId: 'nobody' })).toBe(0)
  })
})

describe('logout', () => {
  it('makes the exported verify refuse the token (defect 8)', async () => {
    const b = browser()
    const { session } = await qrLogin(b, ZHANG_WEI.userid)
    const own = createSessionManager({ secret: SECRET, stateStore, now: () => t })
    expect((await own.verify(session.token))?.userId).toBeDefined()
    expect((await b.request('logout', { method: 'POST', headers: { origin: ORIGIN } })).status).toBe(204)
    expect(await own.verify(session.token)).toBeNull()
  })

  it('ends the browser binding: a callback reopened from history after logout is refused (defect 4)', async () => {
    const b = browser()
    const authorize = await b.get('authorize?returnTo=%2Fhome')
    const state = new URL(authorize.headers.get('location')!).searchParams.get('state')!
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const callback = `callback?authCode=${code}&state=${state}`
    expect((await b.get(callback)).status).toBe(302)
    // The login keeps the binding (other tabs wait on it); the logout ends it and the session.
    expect(b.jar.has('dingtalk_login_state')).toBe(true)
    expect((await b.request('logout', { method: 'POST', headers: { origin: ORIGIN } })).status).toBe(204)
    expect(b.jar.has('dingtalk_login_state')).toBe(false)
    t += 5_000
    const replay = await b.get(callback)
    expect(replay.status).toBe(401)
    expect(replay.headers.get('location')).toBeNull()
    expect(b.jar.has('dingtalk_session')).toBe(false)
    expect((await errorOf(await b.get('session'))).code).toBe('unauthenticated')
  })

  it('a login in one tab leaves the QR code of another tab of the same browser working', async () => {
    const b = browser()
    const first = (await (await b.get('config')).json()) as { state: string }
    const second = (await (await b.get('config')).json()) as { state: string }
    const codeA = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    expect((await b.post('login/qr', { code: codeA, state: first.state, platform: 'web' })).status).toBe(200)
    const codeB = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    expect((await b.post('login/qr', { code: codeB, state: second.state, platform: 'web' })).status).toBe(200)
  })

  it('refuses the replay even when the binding cookie survived (a Bearer logout)', async () => {
    const b = browser()
    const { state } = (await (await b.get('config')).json()) as { state: string }
    const nonce = b.jar.get('dingtalk_login_state')!
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const { session } = (await (await b.post('login/qr', { code, state, platform: 'web' })).json()) as {
      session: { token: string }
    }
    const webView = browser()
    await webView.request('logout', {
      method: 'POST',
      headers: { origin: ORIGIN, authorization: `Bearer ${session.token}` },
    })
    b.jar.set('dingtalk_login_state', nonce)
    expect((await errorOf(await b.post('login/qr', { code, state, platform: 'web' }))).code).toBe(
      'code_invalid',
    )
  })
})

describe('https', () => {
  it('names the session cookie __Host- and ignores a planted plain one (defect 5)', async () => {
    const b = browser('https://app.example.com')
    const { session } = await qrLogin(b, ZHANG_WEI.userid)
    expect(b.setCookies.at(-1)).toBe(
      `__Host-dingtalk_session=${session.token}; Path=/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax`,
    )
    expect((await b.get('session')).status).toBe(200)
    // A sibling subdomain plants its own (valid) session under the plain name: it is not this app's cookie.
    const planted = browser('https://app.example.com')
    planted.jar.set('dingtalk_session', session.token)
    expect((await errorOf(await planted.get('session'))).code).toBe('unauthenticated')
    // Plain http keeps the plain name.
    const local = browser()
    const plain = await qrLogin(local, LI_NA.useridA)
    expect(local.jar.get('dingtalk_session')).toBe(plain.session.token)
  })
})

describe('the login result in the state store (defect 8)', () => {
  it('stays only for the 60 s replay window; the used-code marker outlives it without the result', async () => {
    const b = browser()
    await qrLogin(b, ZHANG_WEI.userid)
    const holdsResult = async () => {
      for (const key of await stateStore.liveWrittenKeys()) {
        const value = key.startsWith('set:') ? null : await stateStore.get(key)
        if (value?.includes(ZHANG_WEI.unionId) && key.startsWith('code')) return true
      }
      return false
    }
    expect(await holdsResult()).toBe(true)
    t += 61_000
    expect(await holdsResult()).toBe(false)
    expect((await stateStore.liveWrittenKeys()).some((key) => key.startsWith('code:'))).toBe(true)
  })
})

describe.skipIf(!redis)('across processes (Redis state store)', () => {
  let stores: StateStore[] = []
  afterAll(async () => {
    for (const store of stores) await store.close?.()
  })

  it('a revocation in one process is refused by the other at its next request', async () => {
    const keyPrefix = `test:${randomUUID()}:`
    const shared = await createRedisStateStore({ url: redis!, keyPrefix })
    const other = await createRedisStateStore({ url: redis!, keyPrefix })
    stores = [shared, other]
    const one = await createTestAuth(emu, { session: { secret: SECRET }, stateStore: shared })
    const two = await createTestAuth(emu, {
      session: { secret: SECRET },
      stateStore: other,
      store: one.store,
    })
    const b = new TestBrowser(ORIGIN, one.handler)
    const config = (await (await b.get('config?corpId=' + CORP_A)).json()) as { state: string }
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const login = (await (
      await b.post('login/qr', { code, state: config.state, platform: 'web' })
    ).json()) as {
      userId: string
    }
    const viaTwo = new TestBrowser(ORIGIN, two.handler)
    viaTwo.jar.set('dingtalk_session', b.jar.get('dingtalk_session')!)
    expect((await viaTwo.get('session')).status).toBe(200)
    expect(await two.sessions.list({ userId: login.userId })).toHaveLength(1)
    expect(await one.sessions.revokeUser(login.userId)).toBe(1)
    expect((await errorOf(await viaTwo.get('session'))).code).toBe('unauthenticated')
    await one.close()
    await two.close()
  })
})

describe('createDingTalkHandler', () => {
  it('exposes getSession for hosts that mount the handler themselves', async () => {
    const handler = createDingTalkHandler(auth, {
      session: { secret: SECRET },
      stateStore,
      defaultInstance: 'dd0aph2',
    })
    const b = new TestBrowser(ORIGIN, handler.handler)
    await qrLogin(b, ZHANG_WEI.userid)
    const request = new Request(`${ORIGIN}/dashboard`, {
      headers: { cookie: `dingtalk_session=${b.jar.get('dingtalk_session')}` },
    })
    expect((await handler.getSession(request))?.binding.unionId).toBe(ZHANG_WEI.unionId)
    expect(await handler.getSession(new Request(`${ORIGIN}/dashboard`))).toBeNull()
  })

  it("keeps its sessions in the auth's state store by default, so the auth's revocations reach them", async () => {
    const withoutSessions = await createTestAuth(emu, { clientIds: [APP_A], now: () => t, directory: {} })
    const handler = createDingTalkHandler(withoutSessions, { session: { secret: SECRET } })
    const b = new TestBrowser(ORIGIN, handler.handler)
    const { userId } = await qrLogin(b, ZHANG_WEI.userid)
    const person = { corpId: CORP_A, dingUserId: ZHANG_WEI.userid }
    expect(await withoutSessions.sessions.list(person)).toHaveLength(1)
    await withoutSessions.directory.sync()
    // The sync finds a leaver: its sessions end, also those this handler issued.
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    expect((await withoutSessions.directory.sync()).people.left).toBe(1)
    expect((await errorOf(await b.get('session'))).code).toBe('unauthenticated')
    t += 1
    const again = await qrLogin(browser(ORIGIN, handler.handler), LI_NA.useridA)
    expect(await withoutSessions.sessions.revokeUser(again.userId)).toBe(1)
    expect(await withoutSessions.sessions.list({ userId })).toEqual([])
    await withoutSessions.close()
  })
})
