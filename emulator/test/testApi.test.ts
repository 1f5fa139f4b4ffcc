import { defaultFixture } from 'dingtalk-emulator'
import { describe, expect, it } from 'vitest'
import {
  appToken,
  emulator,
  get,
  lina,
  machao,
  postJson,
  userToken,
  xinghe,
  xingheApp,
  yunqi,
  yunqiApp,
  zhangwei,
} from './helpers'

const loginUrl = (base: string, extra: Record<string, string> = {}, app = yunqiApp) =>
  `${base}/oauth2/auth?${new URLSearchParams({
    iframe: 'true',
    redirect_uri: 'http://127.0.0.1:5173/api/auth/dingtalk/callback',
    response_type: 'code',
    client_id: app.clientId,
    scope: 'openid',
    prompt: 'consent',
    state: 'st',
    ...extra,
  })}`

describe('test API', () => {
  it('GET /__emulator/fixture returns the loaded fixture, secrets included', async () => {
    const e = await emulator()
    const a = await get(`${e.url}/__emulator/fixture`)
    expect(a.body).toEqual(JSON.parse(JSON.stringify(defaultFixture)))
    expect(e.fixture).toEqual(defaultFixture)
  })

  it('POST /__emulator/oauth-code mints a single-use code for userAccessToken', async () => {
    const e = await emulator()
    const before = e.clock.now()
    const a = await postJson(`${e.url}/__emulator/oauth-code`, {
      clientId: yunqiApp.clientId,
      userid: zhangwei.userid,
    })
    expect(a.status).toBe(200)
    expect(a.body).toEqual({ code: expect.stringMatching(/^[0-9a-f]{32}$/), expiresAt: expect.any(Number) })
    expect(a.body.expiresAt).toBeGreaterThanOrEqual(before + 300_000)
    expect(a.body.expiresAt).toBeLessThanOrEqual(e.clock.now() + 300_000)
    expect((await userToken(e.url, a.body.code as string)).status).toBe(200)
    expect((await userToken(e.url, a.body.code as string)).status).toBe(400)
  })

  it('POST /__emulator/oauth-code explains bad input', async () => {
    const e = await emulator()
    const url = `${e.url}/__emulator/oauth-code`
    expect((await postJson(url, {})).body).toEqual({
      error: { code: 'invalid_request', message: 'clientId is required' },
    })
    expect((await postJson(url, { clientId: 'nope', userid: 'x' })).status).toBe(404)
    expect((await postJson(url, { clientId: yunqiApp.clientId })).status).toBe(400)
    expect((await postJson(url, { clientId: yunqiApp.clientId, userid: 'lina' })).body).toMatchObject({
      error: { code: 'user_not_found' },
    })
    const outsider = await postJson(url, {
      clientId: yunqiApp.clientId,
      unionId: machao.unionId,
      scope: 'openid corpid',
    })
    expect(outsider.body).toMatchObject({ error: { code: 'not_in_corp' } })
    expect((await postJson(url, '{oops')).body).toMatchObject({ error: { code: 'invalid_json' } })
    expect((await postJson(url, { clientId: 7 })).status).toBe(400)
  })

  it('POST /__emulator/free-login-code mints codes for members only, bound to the corp and app', async () => {
    const e = await emulator()
    const url = `${e.url}/__emulator/free-login-code`
    const a = await postJson(url, { corpId: yunqi, userid: zhangwei.userid, clientId: yunqiApp.clientId })
    expect(a.body.code).toMatch(/^[0-9a-f]{32}$/)
    expect(a.body.expiresAt).toBeLessThanOrEqual(e.clock.now() + 300_000)
    expect(a.body.expiresAt).toBeGreaterThan(e.clock.now() + 290_000)
    const token = await appToken(e.url)
    const info = await postJson(`${e.url}/topapi/v2/user/getuserinfo?access_token=${token}`, {
      code: a.body.code,
    })
    expect(info.body.errcode).toBe(0)
    expect((await postJson(url, { corpId: xinghe, userid: zhangwei.userid })).body).toMatchObject({
      error: { code: 'user_not_found' },
    })
    expect(
      (await postJson(url, { corpId: xinghe, userid: zhangwei.userid, userCorpId: yunqi })).body,
    ).toMatchObject({
      error: { code: 'not_in_corp' },
    })
    expect(
      (await postJson(url, { corpId: xinghe, userid: lina.yunqiUserid, userCorpId: yunqi })).status,
    ).toBe(200)
    expect(
      (await postJson(url, { corpId: yunqi, userid: zhangwei.userid, clientId: xingheApp.clientId })).body,
    ).toMatchObject({
      error: { code: 'app_not_in_corp' },
    })
    expect((await postJson(url, { corpId: 'dingnope', userid: 'x' })).status).toBe(404)
    expect((await postJson(url, { userid: 'x' })).status).toBe(400)
  })

  it('lists pending QR sessions and scans the newest one of a clientId without knowing its id', async () => {
    const e = await emulator()
    await fetch(loginUrl(e.url, { state: 'older' }))
    await fetch(loginUrl(e.url, { state: 'newer' }))
    await fetch(loginUrl(e.url, {}, xingheApp))
    const list = await get(`${e.url}/__emulator/sessions?clientId=${yunqiApp.clientId}`)
    const sessions = list.body.sessions as { id: string; state: string; status: string }[]
    expect(sessions.map((s) => s.state)).toEqual(['newer', 'older'])
    expect((await get(`${e.url}/__emulator/sessions`)).body.sessions).toHaveLength(3)

    const scanned = await postJson(`${e.url}/__emulator/scan`, {
      clientId: yunqiApp.clientId,
      userid: zhangwei.userid,
    })
    expect(scanned.body).toEqual({ session: sessions[0]!.id, status: 'scanned' })
    const approved = await postJson(`${e.url}/__emulator/scan`, {
      session: sessions[0]!.id,
      userid: zhangwei.userid,
      approve: true,
    })
    expect(approved.body).toEqual({
      session: sessions[0]!.id,
      status: 'approved',
      code: expect.stringMatching(/^[0-9a-f]{32}$/),
      redirectUrl: `http://127.0.0.1:5173/api/auth/dingtalk/callback?authCode=${approved.body.code}&state=newer`,
    })
    const view = await get(`${e.url}/__emulator/sessions/${sessions[0]!.id}`)
    expect(view.body).toMatchObject({
      status: 'approved',
      scannedBy: zhangwei.unionId,
      redirectUrl: approved.body.redirectUrl,
    })
    expect((await userToken(e.url, approved.body.code as string)).status).toBe(200)

    const again = await postJson(`${e.url}/__emulator/scan`, {
      session: sessions[0]!.id,
      userid: zhangwei.userid,
      approve: true,
    })
    expect(again.status).toBe(409)
    expect(
      (await get(`${e.url}/__emulator/sessions?clientId=${yunqiApp.clientId}`)).body.sessions,
    ).toHaveLength(1)
  })

  it('refuses on approve:false, and refuses users outside the org for the corpid scope', async () => {
    const e = await emulator()
    await fetch(loginUrl(e.url))
    const refused = await postJson(`${e.url}/__emulator/scan`, {
      clientId: yunqiApp.clientId,
      userid: zhangwei.userid,
      approve: false,
    })
    expect(refused.body).toMatchObject({
      status: 'refused',
      error: { errorCode: 11021, errorMsg: '用户取消了授权' },
      redirectUrl: 'http://127.0.0.1:5173/api/auth/dingtalk/callback?error=access_denied&state=st',
    })
    await fetch(loginUrl(e.url, { scope: 'openid corpid' }))
    const outsider = await postJson(`${e.url}/__emulator/scan`, {
      clientId: yunqiApp.clientId,
      unionId: machao.unionId,
      approve: true,
    })
    expect(outsider.body).toMatchObject({
      status: 'refused',
      error: { errorCode: 11055, errorMsg: '操作失败，你不在组织内' },
    })
  })

  it('chooses the org for the corpid scope: requested, then the page corpId, then the first membership', async () => {
    const e = await emulator()
    const exchange = async (code: string) => (await userToken(e.url, code)).body.corpId
    await fetch(loginUrl(e.url, { scope: 'openid corpid' }))
    const first = await postJson(`${e.url}/__emulator/scan`, { unionId: lina.unionId, approve: true })
    expect(await exchange(first.body.code as string)).toBe(yunqi)
    await fetch(loginUrl(e.url, { scope: 'openid corpid', corpId: xinghe }))
    const page = await postJson(`${e.url}/__emulator/scan`, { unionId: lina.unionId, approve: true })
    expect(await exchange(page.body.code as string)).toBe(xinghe)
    await fetch(loginUrl(e.url, { scope: 'openid corpid' }))
    const chosen = await postJson(`${e.url}/__emulator/scan`, {
      unionId: lina.unionId,
      corpId: xinghe,
      approve: true,
    })
    expect(await exchange(chosen.body.code as string)).toBe(xinghe)
    await fetch(loginUrl(e.url, { scope: 'openid corpid', org_type: 'management' }))
    const notAdmin = await postJson(`${e.url}/__emulator/scan`, { unionId: lina.unionId, approve: true })
    expect(notAdmin.body.status).toBe('refused')
  })

  it('scan answers 404 without a pending session and 410 for an expired one', async () => {
    const e = await emulator({ qrTtlMs: 10_000 })
    expect(
      (await postJson(`${e.url}/__emulator/scan`, { userid: zhangwei.userid, approve: true })).status,
    ).toBe(404)
    await fetch(loginUrl(e.url))
    const [session] = e.sessions()
    e.clock.advance(10_000)
    expect(e.sessions()).toEqual([])
    const late = await postJson(`${e.url}/__emulator/scan`, {
      session: session!.id,
      userid: zhangwei.userid,
      approve: true,
    })
    expect(late.status).toBe(410)
    expect((await get(`${e.url}/__emulator/sessions/${session!.id}`)).body.status).toBe('expired')
    expect((await get(`${e.url}/__emulator/sessions/nope`)).status).toBe(404)
    expect((await postJson(`${e.url}/__emulator/scan`, { approve: 'yes' })).status).toBe(400)
  })

  it('POST /__emulator/clock advances the clock that codes expire by', async () => {
    const e = await emulator()
    const { code } = e.mintFreeLoginCode({ corpId: yunqi, userid: zhangwei.userid })
    const before = e.clock.now()
    const a = await postJson(`${e.url}/__emulator/clock`, { advanceMs: 300_000 })
    expect(a.body.now).toBeGreaterThanOrEqual(before + 300_000)
    const token = await appToken(e.url)
    const info = await postJson(`${e.url}/topapi/v2/user/getuserinfo?access_token=${token}`, { code })
    expect(info.body.errcode).toBe(40078)
    expect((await postJson(`${e.url}/__emulator/clock`, { advanceMs: -1 })).status).toBe(400)
    expect((await get(`${e.url}/__emulator/clock`)).body.now).toBeGreaterThanOrEqual(a.body.now as number)
  })

  it('GET /__emulator/stats counts DingTalk API calls per endpoint and app, not test-API calls', async () => {
    const e = await emulator()
    await appToken(e.url)
    await appToken(e.url, xingheApp)
    await get(`${e.url}/gettoken?appkey=${yunqiApp.clientId}&appsecret=${yunqiApp.clientSecret}`)
    const token = await appToken(e.url)
    await postJson(`${e.url}/topapi/v2/user/getuserinfo?access_token=${token}`, { code: 'x' })
    await postJson(`${e.url}/topapi/v2/user/getuserinfo?access_token=bogus`, { code: 'x' })
    await get(`${e.url}/__emulator/fixture`)
    expect((await fetch(`${e.url}/favicon.ico`)).status).toBe(404)
    await fetch(`${e.url}/ddlogin.js`)
    const stats = (await get(`${e.url}/__emulator/stats`)).body
    expect(stats).toEqual({
      total: 6,
      byEndpoint: {
        'POST /v1.0/oauth2/accessToken': 3,
        'GET /gettoken': 1,
        'POST /topapi/v2/user/getuserinfo': 2,
      },
      byApp: {
        [yunqiApp.clientId]: {
          'POST /v1.0/oauth2/accessToken': 2,
          'GET /gettoken': 1,
          'POST /topapi/v2/user/getuserinfo': 1,
        },
        [xingheApp.clientId]: { 'POST /v1.0/oauth2/accessToken': 1 },
      },
    })
    expect(e.stats()).toEqual(stats)
  })

  it('POST /__emulator/reset forgets codes, tokens, stats, faults and sessions, keeps the fixture', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const { code } = e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid })
    await fetch(loginUrl(e.url))
    e.addFault({ endpoint: '/gettoken', kind: 'busy' })
    expect((await postJson(`${e.url}/__emulator/reset`, {})).body).toEqual({ ok: true })
    expect(e.stats()).toEqual({ total: 0, byEndpoint: {}, byApp: {} })
    expect(e.sessions()).toEqual([])
    expect((await userToken(e.url, code)).status).toBe(400)
    const info = await postJson(`${e.url}/topapi/v2/user/get?access_token=${token}`, {
      userid: zhangwei.userid,
    })
    expect(info.body.errcode).toBe(88)
    expect(
      (await get(`${e.url}/gettoken?appkey=${yunqiApp.clientId}&appsecret=${yunqiApp.clientSecret}`)).body
        .errcode,
    ).toBe(0)
    expect((await get(`${e.url}/__emulator/fixture`)).body).toEqual(
      JSON.parse(JSON.stringify(defaultFixture)),
    )
    e.reset()
    expect(e.stats().total).toBe(0)
  })

  it('allows cross-origin use: CORS headers and OPTIONS preflight on /__emulator routes', async () => {
    const e = await emulator()
    const preflight = await fetch(`${e.url}/__emulator/free-login-code`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type')
    const post = await fetch(`${e.url}/__emulator/free-login-code`, {
      method: 'POST',
      headers: { origin: 'http://localhost:3000', 'content-type': 'application/json' },
      body: JSON.stringify({ corpId: yunqi, userid: zhangwei.userid }),
    })
    expect(post.headers.get('access-control-allow-origin')).toBe('*')
    expect((await get(`${e.url}/__emulator/nothing`)).status).toBe(404)
  })
})
