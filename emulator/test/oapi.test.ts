import { defaultFixture } from 'dingtalk-emulator'
import { describe, expect, it } from 'vitest'
import {
  appToken,
  emulator,
  expectOapiError,
  get,
  lina,
  machao,
  noContactApp,
  OAPI_REQUEST_ID,
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

const gettokenUrl = (url: string, app = yunqiApp) =>
  `${url}/gettoken?appkey=${app.clientId}&appsecret=${app.clientSecret}`

describe('GET /gettoken', () => {
  it('issues the same app token as v1.0 while valid, in the doc shape without request_id', async () => {
    const e = await emulator()
    const a = await get(gettokenUrl(e.url))
    expect(a.status).toBe(200)
    expect(a.body).toEqual({
      errcode: 0,
      access_token: expect.stringMatching(/^[0-9a-f]{32}$/),
      errmsg: 'ok',
      expires_in: 7200,
    })
    expect((await get(gettokenUrl(e.url))).body.access_token).toBe(a.body.access_token)
    expect(await appToken(e.url)).toBe(a.body.access_token)
  })

  it('answers 40096 for bad credentials and 40035 when they are missing or only in a body', async () => {
    const e = await emulator()
    expect((await get(`${e.url}/gettoken?appkey=test&appsecret=test`)).body).toEqual({
      errcode: 40096,
      errmsg: '不合法的appKey或appSecret',
    })
    expect((await get(gettokenUrl(e.url, unpublishedApp))).body.errcode).toBe(40096)
    expect((await get(`${e.url}/gettoken`)).body).toEqual({
      errcode: 40035,
      errmsg: '缺少参数 corpid or appkey',
    })
    const body = await postForm(`${e.url}/gettoken`, {
      appkey: yunqiApp.clientId,
      appsecret: yunqiApp.clientSecret,
    })
    expect(body.body).toEqual({ errcode: 40035, errmsg: '缺少参数 corpid or appkey' })
  })

  it('adds request_id when configured to', async () => {
    const e = await emulator({ gettokenRequestId: true })
    expect((await get(gettokenUrl(e.url))).body.request_id).toMatch(OAPI_REQUEST_ID)
  })
})

describe('POST /topapi/v2/user/getuserinfo', () => {
  it('resolves a free-login code once (JSON body), then 40078', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const { code } = e.mintFreeLoginCode({
      corpId: yunqi,
      userid: zhangwei.userid,
      clientId: yunqiApp.clientId,
    })
    const url = `${e.url}/topapi/v2/user/getuserinfo?access_token=${token}`
    const a = await postJson(url, { code })
    expect(a.status).toBe(200)
    expect(a.body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      result: {
        userid: '0138261547271',
        unionid: zhangwei.unionId,
        associated_unionid: zhangwei.unionId,
        device_id: expect.any(String),
        sys: true,
        sys_level: 1,
        name: '张伟',
      },
      request_id: expect.stringMatching(OAPI_REQUEST_ID),
    })
    expectOapiError(await postJson(url, { code }), 40078, '不存在的临时授权码')
  })

  it('accepts an urlencoded body with the token in the body', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const { code } = e.mintFreeLoginCode({ corpId: yunqi, userid: lina.yunqiUserid })
    const a = await postForm(`${e.url}/topapi/v2/user/getuserinfo`, { access_token: token, code })
    expect(a.body.errcode).toBe(0)
    expect((a.body.result as { userid: string }).userid).toBe('01214738')
  })

  it('refuses OAuth codes, expired codes and codes of another corp (40078)', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const url = `${e.url}/topapi/v2/user/getuserinfo?access_token=${token}`
    const oauth = e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid }).code
    expectOapiError(await postJson(url, { code: oauth }), 40078)
    // ...and the OAuth code is still good for its own endpoint.
    expect((await userToken(e.url, oauth)).status).toBe(200)
    const other = e.mintFreeLoginCode({ corpId: xinghe, userid: lina.xingheUserid }).code
    expectOapiError(await postJson(url, { code: other }), 40078)
    const xingheToken = await appToken(e.url, xingheApp)
    const ok = await postJson(`${e.url}/topapi/v2/user/getuserinfo?access_token=${xingheToken}`, {
      code: other,
    })
    expect((ok.body.result as { userid: string }).userid).toBe('lina')
    const expired = e.mintFreeLoginCode({ corpId: yunqi, userid: zhangwei.userid }).code
    e.clock.advance(300_000)
    expectOapiError(await postJson(url, { code: expired }), 40078)
  })

  it('wraps token errors as 88 with a string sub_code', async () => {
    const e = await emulator()
    const invalid = await postJson(`${e.url}/topapi/v2/user/getuserinfo?access_token=test`, { code: 'x' })
    expect(invalid.body).toEqual({
      errcode: 88,
      sub_code: '40014',
      sub_msg: '不合法的access_token',
      errmsg: 'ding talk error[subcode=40014,submsg=不合法的access_token]',
      request_id: expect.stringMatching(OAPI_REQUEST_ID),
    })
    const token = await appToken(e.url)
    const header = await postJson(
      `${e.url}/topapi/v2/user/getuserinfo`,
      { code: 'x' },
      { 'x-acs-dingtalk-access-token': token },
    )
    expect(header.body).toMatchObject({ errcode: 88, sub_code: '40000', sub_msg: 'access_token is blank' })
    // A user token is not an app token.
    const user = await userToken(
      e.url,
      e.mintOAuthCode({ clientId: yunqiApp.clientId, userid: zhangwei.userid }).code,
    )
    const withUser = await postJson(
      `${e.url}/topapi/v2/user/getuserinfo?access_token=${user.body.accessToken}`,
      {
        code: 'x',
      },
    )
    expect(withUser.body).toMatchObject({ errcode: 88, sub_code: '40014' })
    e.clock.advance(7_200_000)
    const expired = await postJson(`${e.url}/topapi/v2/user/getuserinfo?access_token=${token}`, { code: 'x' })
    expect(expired.body).toMatchObject({ errcode: 88, sub_code: '40014' })
  })

  it('answers 40035 without a code and 50002 outside the visible range', async () => {
    const fixture = structuredClone(defaultFixture)
    fixture.apps[0]!.visibleUserids = ['manager4220']
    const e = await emulator({ fixture })
    const token = await appToken(e.url)
    const url = `${e.url}/topapi/v2/user/getuserinfo?access_token=${token}`
    expectOapiError(await postJson(url, {}), 40035)
    const { code } = e.mintFreeLoginCode({ corpId: yunqi, userid: zhangwei.userid })
    expectOapiError(await postJson(url, { code }), 50002)
    const visible = e.mintFreeLoginCode({ corpId: yunqi, userid: 'manager4220' }).code
    expect((await postJson(url, { code: visible })).body.errcode).toBe(0)
  })

  it('enforces a configured permission', async () => {
    const e = await emulator({ getUserInfoPermission: 'Contact.User.Read' })
    const token = await appToken(e.url, noContactApp)
    const { code } = e.mintFreeLoginCode({ corpId: yunqi, userid: zhangwei.userid })
    expectOapiError(
      await postJson(`${e.url}/topapi/v2/user/getuserinfo?access_token=${token}`, { code }),
      60011,
    )
  })
})

describe('GET /user/getuserinfo (legacy)', () => {
  it('answers at the top level with mixed naming', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const { code } = e.mintFreeLoginCode({ corpId: yunqi, userid: 'manager4220' })
    const a = await get(`${e.url}/user/getuserinfo?access_token=${token}&code=${code}`)
    expect(a.body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      userid: 'manager4220',
      deviceId: expect.any(String),
      is_sys: false,
      sys_level: 0,
      associatedUnionId: 'UpnLQkw3lN4q7OJjAl9eiE',
      request_id: expect.stringMatching(OAPI_REQUEST_ID),
    })
    expectOapiError(await get(`${e.url}/user/getuserinfo?access_token=${token}&code=${code}`), 40078)
  })

  it('uses the configured errcode for a bad code', async () => {
    const e = await emulator({ legacyInvalidCodeErrcode: 40029 })
    const token = await appToken(e.url)
    expectOapiError(
      await get(`${e.url}/user/getuserinfo?access_token=${token}&code=nope`),
      40029,
      'invalid code',
    )
  })
})

describe('POST /topapi/user/getbyunionid', () => {
  it('maps unionId to the userid of the token corp; 60121 outside it', async () => {
    const e = await emulator()
    const yunqiToken = await appToken(e.url)
    const xingheToken = await appToken(e.url, xingheApp)
    const inYunqi = await postJson(`${e.url}/topapi/user/getbyunionid?access_token=${yunqiToken}`, {
      unionid: lina.unionId,
    })
    expect(inYunqi.body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      result: { contact_type: 0, userid: '01214738' },
      request_id: expect.stringMatching(OAPI_REQUEST_ID),
    })
    const inXinghe = await postForm(`${e.url}/topapi/user/getbyunionid?access_token=${xingheToken}`, {
      unionid: lina.unionId,
    })
    expect(inXinghe.body.result).toEqual({ contact_type: 0, userid: 'lina' })
    const external = await postJson(`${e.url}/topapi/user/getbyunionid?access_token=${xingheToken}`, {
      unionid: 'smDXRmiRdYkESDxnTu1siE',
    })
    expect(external.body.result).toEqual({ contact_type: 1, userid: '0121998' })
    const stranger = await postJson(`${e.url}/topapi/user/getbyunionid?access_token=${yunqiToken}`, {
      unionid: machao.unionId,
    })
    expectOapiError(stranger, 60121, '找不到该用户')
    const otherCorp = await postJson(`${e.url}/topapi/user/getbyunionid?access_token=${xingheToken}`, {
      unionid: zhangwei.unionId,
    })
    expectOapiError(otherCorp, 60121)
    expectOapiError(await postJson(`${e.url}/topapi/user/getbyunionid?access_token=${yunqiToken}`, {}), 40035)
  })

  it('needs qyapi_get_member and a token', async () => {
    const fixture = structuredClone(defaultFixture)
    fixture.apps[0]!.permissions = ['qyapi_base']
    const e = await emulator({ fixture })
    const token = await appToken(e.url)
    expectOapiError(
      await postJson(`${e.url}/topapi/user/getbyunionid?access_token=${token}`, { unionid: lina.unionId }),
      60011,
    )
    const blank = await postJson(`${e.url}/topapi/user/getbyunionid`, { unionid: lina.unionId })
    expect(blank.body).toMatchObject({ errcode: 88, sub_code: '40000' })
  })
})

describe('POST /topapi/v2/user/get', () => {
  it('returns the employee record of the token corp with TOP SDK field names and JSON types', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const a = await postJson(`${e.url}/topapi/v2/user/get?access_token=${token}`, {
      userid: zhangwei.userid,
      language: 'zh_CN',
    })
    expect(a.body.errcode).toBe(0)
    expect(a.body.request_id).toMatch(OAPI_REQUEST_ID)
    expect(a.body.result).toMatchObject({
      userid: '0138261547271',
      unionid: zhangwei.unionId,
      name: '张伟',
      avatar: expect.any(String),
      state_code: '86',
      mobile: '13800138001',
      job_number: 'YQ0001',
      title: '技术总监',
      email: 'zhangwei@example.com',
      org_email: 'zhangwei@yunqi.example',
      work_place: '杭州',
      dept_id_list: [1, 10],
      hired_date: 1_420_070_400_000,
      active: true,
      admin: true,
      boss: false,
      senior: false,
      real_authed: true,
    })
    const lang = await postForm(`${e.url}/topapi/v2/user/get?access_token=${token}`, {
      userid: '01214738',
      lang: 'en_US',
    })
    expect((lang.body.result as { name: string }).name).toBe('李娜')
  })

  it('answers 60121 for a userid of another corp or none, 40035 without userid', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const url = `${e.url}/topapi/v2/user/get?access_token=${token}`
    expectOapiError(await postJson(url, { userid: 'lina' }), 60121, '找不到该用户')
    expectOapiError(await postJson(url, { userid: 'nobody' }), 60121)
    expectOapiError(await postJson(url, {}), 40035)
  })

  it('hides mobile and email fields without the field permissions', async () => {
    const fixture = structuredClone(defaultFixture)
    fixture.apps[0]!.permissions = ['qyapi_base', 'qyapi_get_member']
    const e = await emulator({ fixture })
    const token = await appToken(e.url)
    const a = await postJson(`${e.url}/topapi/v2/user/get?access_token=${token}`, { userid: zhangwei.userid })
    const result = a.body.result as Record<string, unknown>
    expect(result.name).toBe('张伟')
    for (const field of ['mobile', 'state_code', 'email', 'work_place'])
      expect(result).not.toHaveProperty(field)
  })
})

describe('unknown oapi paths', () => {
  it('answer errcode 22 under /topapi and 404 elsewhere, always HTTP 200', async () => {
    const e = await emulator()
    const a = await postJson(`${e.url}/topapi/v2/user/notexist?access_token=test`, {})
    expect(a.body).toEqual({
      errcode: 22,
      sub_msg: '不合法ApiName，ApiName = dingtalk.oapi.v2.user.notexist',
      errmsg: 'Invalid method[submsg=不合法ApiName，ApiName = dingtalk.oapi.v2.user.notexist]',
      request_id: expect.stringMatching(OAPI_REQUEST_ID),
    })
    const other = await postJson(`${e.url}/oauth2/corpAccessToken`, {})
    expect(other.status).toBe(200)
    expect(other.body).toEqual({ errcode: 404, errmsg: '请求的URI地址不存在' })
  })
})
