import { describe, expect, it } from 'vitest'
import {
  appToken,
  emulator,
  expectV1Error,
  get,
  lina,
  machao,
  noContactApp,
  postForm,
  postJson,
  unpublishedApp,
  userToken,
  xinghe,
  xingheApp,
  yunqi,
  yunqiApp,
  zhangwei,
} from './helpers'

describe('POST /v1.0/oauth2/accessToken', () => {
  it('issues an app token and returns the same one while it is valid', async () => {
    const e = await emulator()
    const body = { appKey: yunqiApp.clientId, appSecret: yunqiApp.clientSecret }
    const first = await postJson(`${e.url}/v1.0/oauth2/accessToken`, body)
    expect(first.status).toBe(200)
    expect(first.contentType).toMatch(/^application\/json/)
    expect(first.body).toEqual({ accessToken: expect.stringMatching(/^[0-9a-f]{32}$/), expireIn: 7200 })
    const second = await postJson(`${e.url}/v1.0/oauth2/accessToken`, body)
    expect(second.body.accessToken).toBe(first.body.accessToken)
    const other = await postJson(`${e.url}/v1.0/oauth2/accessToken`, {
      appKey: xingheApp.clientId,
      appSecret: xingheApp.clientSecret,
    })
    expect(other.body.accessToken).not.toBe(first.body.accessToken)
  })

  it('issues a new token once the old one expired on the clock, and renews it on every request', async () => {
    const e = await emulator()
    const first = await appToken(e.url)
    e.clock.advance(7_000_000)
    expect(await appToken(e.url)).toBe(first) // renewed for 7200 s from here
    e.clock.advance(7_000_000)
    expect(await appToken(e.url)).toBe(first)
    e.clock.advance(7_200_000)
    const next = await appToken(e.url)
    expect(next).not.toBe(first)
    const me = await get(`${e.url}/v1.0/contact/users/me`, { 'x-acs-dingtalk-access-token': first })
    expectV1Error(me, 400, 'InvalidAuthentication')
  })

  it('rejects bad credentials and unpublished apps with invalidClientIdOrSecret', async () => {
    const e = await emulator()
    const wrong = await postJson(`${e.url}/v1.0/oauth2/accessToken`, { appKey: 'test', appSecret: 'test' })
    expectV1Error(wrong, 400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret')
    const secret = await postJson(`${e.url}/v1.0/oauth2/accessToken`, {
      appKey: yunqiApp.clientId,
      appSecret: 'x',
    })
    expectV1Error(secret, 400, 'invalidClientIdOrSecret')
    const unpublished = await postJson(`${e.url}/v1.0/oauth2/accessToken`, {
      appKey: unpublishedApp.clientId,
      appSecret: unpublishedApp.clientSecret,
    })
    expectV1Error(unpublished, 400, 'invalidClientIdOrSecret')
  })

  it('answers a missing, form-encoded or malformed body with "body is mandatory", and a missing appKey', async () => {
    const e = await emulator()
    const url = `${e.url}/v1.0/oauth2/accessToken`
    expectV1Error(await postJson(url, ''), 400, 'MissingBody', 'body is mandatory for this action.')
    expectV1Error(await postJson(url, '{"appKey":'), 400, 'MissingBody')
    expectV1Error(await postJson(url, '[1,2]'), 400, 'MissingBody')
    expectV1Error(
      await postForm(url, { appKey: yunqiApp.clientId, appSecret: yunqiApp.clientSecret }),
      400,
      'MissingBody',
    )
    expectV1Error(
      await postJson(url, { appSecret: 'x' }),
      400,
      'MissingappKey',
      'appKey is mandatory for this action.',
    )
    expectV1Error(await postJson(url, { appKey: 42 }), 400, 'MissingappKey')
  })

  it('lets the missing-body answer be configured', async () => {
    const e = await emulator({ v1MissingBody: { status: 400, code: 'InvalidBody', message: 'nope' } })
    expectV1Error(await postJson(`${e.url}/v1.0/oauth2/accessToken`, ''), 400, 'InvalidBody', 'nope')
  })
})

describe('POST /v1.0/oauth2/{corpId}/token', () => {
  it('issues a snake_case app token for the app of that corp', async () => {
    const e = await emulator()
    const ok = await postJson(`${e.url}/v1.0/oauth2/${yunqi}/token`, {
      client_id: yunqiApp.clientId,
      client_secret: yunqiApp.clientSecret,
      grant_type: 'client_credentials',
    })
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ access_token: await appToken(e.url), expires_in: 7200 })
  })

  it('answers its documented errors', async () => {
    const e = await emulator()
    const body = {
      client_id: yunqiApp.clientId,
      client_secret: yunqiApp.clientSecret,
      grant_type: 'client_credentials',
    }
    expectV1Error(
      await postJson(`${e.url}/v1.0/oauth2/dingtest/token`, body),
      500,
      'unknownError',
      '未知错误',
    )
    expectV1Error(
      await postJson(`${e.url}/v1.0/oauth2/${yunqi}/token`, { ...body, grant_type: 'password' }),
      400,
      'unsupported.grant.type',
    )
    expectV1Error(
      await postJson(`${e.url}/v1.0/oauth2/${yunqi}/token`, { ...body, client_secret: 'x' }),
      400,
      'invalid.client',
    )
    expectV1Error(await postJson(`${e.url}/v1.0/oauth2/${xinghe}/token`, body), 401, 'unauthorized.client')
    expectV1Error(
      await postJson(`${e.url}/v1.0/oauth2/${yunqi}/token`, { client_id: 'x' }),
      400,
      'Missingclient_secret',
    )
  })
})

describe('POST /v1.0/oauth2/userAccessToken', () => {
  it('exchanges an OAuth code once; no corpId without the corpid scope', async () => {
    const e = await emulator()
    const { code } = e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid })
    const first = await userToken(e.url, code)
    expect(first.status).toBe(200)
    expect(first.body).toEqual({
      accessToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      refreshToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      expireIn: 7200,
    })
    const again = await userToken(e.url, code)
    expectV1Error(again, 400, 'invalidParameter.authCode.notFound', '不合法的临时授权码')
  })

  it('returns corpId with the corpid scope: the org chosen at login', async () => {
    const e = await emulator()
    const { code } = e.mintOAuthCode({
      clientId: xingheApp.clientId,
      unionId: lina.unionId,
      scope: 'openid corpid',
      corpId: xinghe,
    })
    const a = await userToken(e.url, code, xingheApp)
    expect(a.body.corpId).toBe(xinghe)
  })

  it('returns the same user token while valid', async () => {
    const e = await emulator()
    const one = await userToken(
      e.url,
      e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid }).code,
    )
    const two = await userToken(
      e.url,
      e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid }).code,
    )
    expect(two.body.accessToken).toBe(one.body.accessToken)
    expect(two.body.refreshToken).toBe(one.body.refreshToken)
  })

  it('refuses expired codes, codes of another app and free-login codes', async () => {
    const e = await emulator({ oauthCodeTtlMs: 60_000 })
    const expired = e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid }).code
    e.clock.advance(60_000)
    expectV1Error(await userToken(e.url, expired), 400, 'invalidParameter.authCode.notFound')
    const foreign = e.mintOAuthCode({ clientId: xingheApp.clientId, unionId: lina.unionId }).code
    expectV1Error(await userToken(e.url, foreign), 400, 'invalidParameter.authCode.notFound')
    // The refused attempt did not burn the code for its own app.
    expect((await userToken(e.url, foreign, xingheApp)).status).toBe(200)
    const freeLogin = e.mintFreeLoginCode({ corpId: yunqi, userid: zhangwei.userid }).code
    expectV1Error(await userToken(e.url, freeLogin), 400, 'invalidParameter.authCode.notFound')
    expectV1Error(await userToken(e.url, 'nonsense'), 400, 'invalidParameter.authCode.notFound')
  })

  it('accepts free-login codes only when configured to', async () => {
    const e = await emulator({ freeLoginCodeForUserToken: true })
    const freeLogin = e.mintFreeLoginCode({
      corpId: yunqi,
      userid: zhangwei.userid,
      clientId: yunqiApp.clientId,
    }).code
    expect((await userToken(e.url, freeLogin)).status).toBe(200)
  })

  it('refuses bad client credentials', async () => {
    const e = await emulator()
    const { code } = e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid })
    const a = await postJson(`${e.url}/v1.0/oauth2/userAccessToken`, {
      clientId: yunqiApp.clientId,
      clientSecret: 'wrong',
      code,
      grantType: 'authorization_code',
    })
    expectV1Error(a, 400, 'invalidClientIdOrSecret')
    expectV1Error(await postJson(`${e.url}/v1.0/oauth2/userAccessToken`, { code }), 400, 'MissingclientId')
    const grant = await postJson(`${e.url}/v1.0/oauth2/userAccessToken`, {
      clientId: yunqiApp.clientId,
      clientSecret: yunqiApp.clientSecret,
      code,
      grantType: 'password',
    })
    expectV1Error(grant, 400, 'invalidParameter.grantType.invalid')
    // None of that consumed the code.
    expect((await userToken(e.url, code)).status).toBe(200)
  })

  it('supports the refresh_token grant, valid 30 days, per app', async () => {
    const e = await emulator()
    const first = await userToken(
      e.url,
      e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid }).code,
    )
    e.clock.advance(7_200_000)
    const refreshed = await postJson(`${e.url}/v1.0/oauth2/userAccessToken`, {
      clientId: yunqiApp.clientId,
      clientSecret: yunqiApp.clientSecret,
      refreshToken: first.body.refreshToken,
      grantType: 'refresh_token',
    })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.accessToken).not.toBe(first.body.accessToken)
    expect(refreshed.body.refreshToken).toBe(first.body.refreshToken)
    const me = await get(`${e.url}/v1.0/contact/users/me`, {
      'x-acs-dingtalk-access-token': refreshed.body.accessToken as string,
    })
    expect(me.body.unionId).toBe(zhangwei.unionId)

    const otherApp = await postJson(`${e.url}/v1.0/oauth2/userAccessToken`, {
      clientId: xingheApp.clientId,
      clientSecret: xingheApp.clientSecret,
      refreshToken: first.body.refreshToken,
      grantType: 'refresh_token',
    })
    expectV1Error(otherApp, 400, 'invalidParameter.refreshToken.notFound')
    e.clock.advance(31 * 24 * 3_600_000)
    const late = await postJson(`${e.url}/v1.0/oauth2/userAccessToken`, {
      clientId: yunqiApp.clientId,
      clientSecret: yunqiApp.clientSecret,
      refreshToken: first.body.refreshToken,
      grantType: 'refresh_token',
    })
    expectV1Error(late, 400, 'invalidParameter.refreshToken.notFound')
  })

  it('rotates refresh tokens when configured to', async () => {
    const e = await emulator({ rotateRefreshToken: true })
    const first = await userToken(
      e.url,
      e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid }).code,
    )
    const refreshed = await postJson(`${e.url}/v1.0/oauth2/userAccessToken`, {
      clientId: yunqiApp.clientId,
      clientSecret: yunqiApp.clientSecret,
      refreshToken: first.body.refreshToken,
      grantType: 'refresh_token',
    })
    expect(refreshed.body.refreshToken).not.toBe(first.body.refreshToken)
  })
})

describe('GET /v1.0/contact/users/{unionId}', () => {
  async function tokenFor(
    url: string,
    e: Awaited<ReturnType<typeof emulator>>,
    app = yunqiApp,
    unionId = zhangwei.unionId,
  ) {
    const a = await userToken(url, e.mintOAuthCode({ clientId: app.clientId, unionId }).code, app)
    return a.body.accessToken as string
  }

  it('returns the token owner for me and for their own unionId, with the SDK field names', async () => {
    const e = await emulator()
    const token = await tokenFor(e.url, e)
    const me = await get(`${e.url}/v1.0/contact/users/me`, { 'x-acs-dingtalk-access-token': token })
    expect(me.status).toBe(200)
    expect(me.body).toEqual({
      nick: '张伟',
      unionId: zhangwei.unionId,
      openId: 'QnmufflHBU4hfOichY56iE',
      avatarUrl: expect.stringMatching(/^https:\/\//),
      mobile: '13800138001',
      stateCode: '86',
      email: 'zhangwei@example.com',
    })
    expect(me.body).not.toHaveProperty('userid')
    const own = await get(`${e.url}/v1.0/contact/users/${zhangwei.unionId}`, {
      'x-acs-dingtalk-access-token': token,
    })
    expect(own.body).toEqual(me.body)
  })

  it('works for a user in no corp', async () => {
    const e = await emulator()
    const token = await tokenFor(e.url, e, yunqiApp, machao.unionId)
    const me = await get(`${e.url}/v1.0/contact/users/me`, { 'x-acs-dingtalk-access-token': token })
    expect(me.body.nick).toBe('马超')
  })

  it('answers 403 with requiredScopes when the app lacks Contact.User.Read', async () => {
    const e = await emulator()
    const token = await tokenFor(e.url, e, noContactApp)
    const me = await get(`${e.url}/v1.0/contact/users/me`, { 'x-acs-dingtalk-access-token': token })
    expectV1Error(
      me,
      403,
      'Forbidden.AccessDenied.AccessTokenPermissionDenied',
      '没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission',
    )
    expect(me.body.accessdenieddetail).toEqual({ requiredScopes: ['Contact.User.Read'] })
  })

  it('omits mobile without Contact.User.mobile', async () => {
    const e = await emulator({
      fixture: {
        ...(await import('dingtalk-emulator')).defaultFixture,
        apps: [{ ...yunqiApp, permissions: ['qyapi_base', 'Contact.User.Read'] }],
      },
    })
    const token = await tokenFor(e.url, e)
    const me = await get(`${e.url}/v1.0/contact/users/me`, { 'x-acs-dingtalk-access-token': token })
    expect(me.status).toBe(200)
    expect(me.body).not.toHaveProperty('mobile')
  })

  it('takes the token only from x-acs-dingtalk-access-token', async () => {
    const e = await emulator()
    const token = await tokenFor(e.url, e)
    const query = await get(`${e.url}/v1.0/contact/users/me?access_token=${token}`)
    expectV1Error(
      query,
      400,
      'AuthenticationFailed.MissingParameter',
      '缺少参数：x-acs-dingtalk-access-token',
    )
    const bearer = await get(`${e.url}/v1.0/contact/users/me`, { authorization: `Bearer ${token}` })
    expectV1Error(bearer, 400, 'AuthenticationFailed.MissingParameter')
    expectV1Error(await get(`${e.url}/v1.0/contact/users/me`), 400, 'AuthenticationFailed.MissingParameter')
  })

  it('refuses unknown and expired tokens, and app tokens', async () => {
    const e = await emulator()
    const bad = await get(`${e.url}/v1.0/contact/users/test`, { 'x-acs-dingtalk-access-token': 'test' })
    expectV1Error(bad, 400, 'InvalidAuthentication', '不合法的access_token')
    const app = await appToken(e.url)
    expectV1Error(
      await get(`${e.url}/v1.0/contact/users/me`, { 'x-acs-dingtalk-access-token': app }),
      400,
      'InvalidAuthentication',
    )
    const token = await tokenFor(e.url, e)
    e.clock.advance(7_200_000)
    expectV1Error(
      await get(`${e.url}/v1.0/contact/users/me`, { 'x-acs-dingtalk-access-token': token }),
      400,
      'InvalidAuthentication',
    )
  })

  it('answers 404 for another user', async () => {
    const e = await emulator()
    const token = await tokenFor(e.url, e)
    const other = await get(`${e.url}/v1.0/contact/users/${lina.unionId}`, {
      'x-acs-dingtalk-access-token': token,
    })
    expectV1Error(other, 404, 'invalidParameter.user.notFound', '找不到该用户')
  })

  it('accepts app tokens for explicit unionIds when configured to', async () => {
    const e = await emulator({ appTokenForContactUser: true })
    const app = await appToken(e.url)
    const a = await get(`${e.url}/v1.0/contact/users/${lina.unionId}`, { 'x-acs-dingtalk-access-token': app })
    expect(a.body.nick).toBe('李娜')
    const missing = await get(`${e.url}/v1.0/contact/users/nobody`, { 'x-acs-dingtalk-access-token': app })
    expectV1Error(missing, 404, 'invalidParameter.user.notFound')
  })

  it('keeps gettoken tokens out of the v1.0 header when legacyTokenInV1 is false', async () => {
    const e = await emulator({ appTokenForContactUser: true, legacyTokenInV1: false })
    const oapi = (
      await get(`${e.url}/gettoken?appkey=${yunqiApp.clientId}&appsecret=${yunqiApp.clientSecret}`)
    ).body.access_token as string
    const v1 = await appToken(e.url)
    expect(oapi).not.toBe(v1)
    const url = `${e.url}/v1.0/contact/users/${lina.unionId}`
    expectV1Error(await get(url, { 'x-acs-dingtalk-access-token': oapi }), 400, 'InvalidAuthentication')
    expect((await get(url, { 'x-acs-dingtalk-access-token': v1 })).status).toBe(200)
  })
})

describe('unknown v1.0 paths', () => {
  it('answer InvalidAction.NotFound in the v1.0 format', async () => {
    const e = await emulator()
    expectV1Error(await get(`${e.url}/v1.0/oauth2/nothing`), 404, 'InvalidAction.NotFound')
    expectV1Error(await get(`${e.url}/v1.0/oauth2/accessToken`), 404, 'InvalidAction.NotFound')
  })
})
