import { describe, expect, it } from 'vitest'
import {
  appToken,
  emulator,
  expectOapiError,
  get,
  lina,
  postJson,
  userToken,
  xingheApp,
  yunqi,
  yunqiApp,
  zhangwei,
} from './helpers'
import type { Answer } from './helpers'

async function send(method: 'PATCH' | 'DELETE', url: string, body: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return {
    status: response.status,
    contentType: '',
    body: (await response.json()) as Record<string, unknown>,
  }
}

interface EventView {
  eventType: string
  corpId: string
  eventId: string
  bornTime: number
  userIds?: string[]
  deptIds?: number[]
  deliveries: unknown[]
}
const events = async (url: string, query = '') =>
  (await get(`${url}/__emulator/events${query}`)).body.events as EventView[]

async function oapi(url: string, path: string, body: Record<string, unknown>): Promise<Answer> {
  const token = await appToken(url)
  return postJson(`${url}${path}?access_token=${token}`, body)
}

describe('changing the organisation through the test API', () => {
  it('POST /org/people hires someone new: user_add_org, and every API sees them at once', async () => {
    const e = await emulator()
    const before = e.clock.now()
    const hired = await postJson(`${e.url}/__emulator/org/people`, {
      corpId: yunqi,
      name: '郑新',
      deptIds: [10, 20],
      mobile: '13800138099',
      title: '测试工程师',
    })
    expect(hired.status).toBe(200)
    const { userid, unionId } = hired.body as { userid: string; unionId: string }
    expect(userid).toMatch(/^0\d{12}$/)
    expect(unionId).toMatch(/^[A-Za-z0-9]{20}iE$/)

    const [event] = await events(e.url)
    expect(event).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventType: 'user_add_org',
      corpId: yunqi,
      bornTime: expect.any(Number),
      userIds: [userid],
      // The corp's Stream-subscribed apps have no connection yet: the event waits for them, unacked.
      deliveries: [
        { clientId: yunqiApp.clientId, channel: 'stream', attempts: 0, status: 'pending' },
        { clientId: 'ding81wisqgoq020531r', channel: 'stream', attempts: 0, status: 'pending' },
      ],
    })
    expect(event!.bornTime).toBeGreaterThanOrEqual(before)

    const detail = await oapi(e.url, '/topapi/v2/user/get', { userid })
    expect(detail.body.result).toMatchObject({
      userid,
      unionid: unionId,
      name: '郑新',
      mobile: '13800138099',
      title: '测试工程师',
      dept_id_list: [10, 20],
      active: true,
    })
    const byUnion = await oapi(e.url, '/topapi/user/getbyunionid', { unionid: unionId })
    expect(byUnion.body.result).toEqual({ contact_type: 0, userid })
    // Free login works for the new person.
    const { code } = e.mintFreeLoginCode({ corpId: yunqi, userid })
    const info = await oapi(e.url, '/topapi/v2/user/getuserinfo', { code })
    expect(info.body.result).toMatchObject({ userid, unionid: unionId, name: '郑新' })
    expect(e.fixture.users.find((u) => u.unionId === unionId)?.memberships[0]?.deptIdList).toEqual([10, 20])
  })

  it('refuses bad hires with a clear error and changes nothing', async () => {
    const e = await emulator()
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ name: '甲', deptIds: [1] }, 400, 'invalid_request', /corpId is required/],
      [{ corpId: 'dingnope', name: '甲', deptIds: [1] }, 404, 'corp_not_found', /dingnope/],
      [{ corpId: yunqi, deptIds: [1] }, 400, 'invalid_request', /name is required/],
      [{ corpId: yunqi, name: '甲' }, 400, 'invalid_request', /deptIds is required/],
      [{ corpId: yunqi, name: '甲', deptIds: [99] }, 404, 'department_not_found', /99/],
      [{ corpId: yunqi, name: '甲', deptIds: ['x'] }, 400, 'invalid_request', /deptIds\[0\]/],
      [
        { corpId: yunqi, name: '甲', deptIds: [1], userid: zhangwei.userid },
        409,
        'userid_taken',
        /0138261547271/,
      ],
      [{ corpId: yunqi, name: '甲', deptIds: [1], unionId: lina.unionId }, 409, 'already_member', /already/],
      [
        { corpId: yunqi, name: '甲', deptIds: [1], nmae: 'typo' },
        400,
        'invalid_request',
        /unknown field nmae/,
      ],
    ]
    for (const [body, status, code, message] of cases) {
      const a = await postJson(`${e.url}/__emulator/org/people`, body)
      expect(a.status, JSON.stringify(body)).toBe(status)
      expect((a.body.error as { code: string }).code).toBe(code)
      expect((a.body.error as { message: string }).message).toMatch(message)
    }
    expect(await events(e.url)).toEqual([])
    expect(e.fixture.users).toHaveLength(13)
  })

  it('PATCH /org/people changes a person: user_modify_org; activating is user_active_org', async () => {
    const e = await emulator()
    const changed = await send('PATCH', `${e.url}/__emulator/org/people`, {
      corpId: yunqi,
      userid: zhangwei.userid,
      title: 'CTO',
      deptIds: [10, 11],
      mobile: '13900000000',
    })
    expect(changed.body).toEqual({ userid: zhangwei.userid, unionId: zhangwei.unionId })
    const detail = await oapi(e.url, '/topapi/v2/user/get', { userid: zhangwei.userid })
    expect(detail.body.result).toMatchObject({ title: 'CTO', dept_id_list: [10, 11], mobile: '13900000000' })

    const activated = e.modifyPerson({ corpId: yunqi, userid: 'chenjing', active: true })
    expect(activated.userid).toBe('chenjing')
    expect((await events(e.url)).map((ev) => [ev.eventType, ev.userIds])).toEqual([
      ['user_modify_org', [zhangwei.userid]],
      ['user_active_org', ['chenjing']],
    ])
    const nothing = await send('PATCH', `${e.url}/__emulator/org/people`, {
      corpId: yunqi,
      userid: 'chenjing',
    })
    expect(nothing.status).toBe(400)
    const nobody = await send('PATCH', `${e.url}/__emulator/org/people`, {
      corpId: yunqi,
      userid: 'x',
      title: 'y',
    })
    expect(nobody.status).toBe(404)
    expect((nobody.body.error as { code: string }).code).toBe('user_not_found')
  })

  it('POST /org/leave: user_leave_org, and the corp answers for the leaver as for a stranger', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    // Codes the person got before leaving.
    const freeLogin = e.mintFreeLoginCode({ corpId: yunqi, userid: lina.yunqiUserid })
    const oauthWithCorp = e.mintOAuthCode({
      clientId: yunqiApp.clientId,
      userid: lina.yunqiUserid,
      scope: 'openid corpid',
      corpId: yunqi,
    })
    const left = await postJson(`${e.url}/__emulator/org/leave`, { corpId: yunqi, userid: lina.yunqiUserid })
    expect(left.body).toEqual({
      userid: lina.yunqiUserid,
      unionId: lina.unionId,
      leaveTime: expect.any(Number),
    })
    const [event] = await events(e.url)
    expect(event).toMatchObject({ eventType: 'user_leave_org', corpId: yunqi, userIds: [lina.yunqiUserid] })

    const call = (path: string, body: Record<string, unknown>) =>
      postJson(`${e.url}${path}?access_token=${token}`, body)
    expectOapiError(await call('/topapi/user/getbyunionid', { unionid: lina.unionId }), 60121, '找不到该用户')
    expectOapiError(await call('/topapi/v2/user/get', { userid: lina.yunqiUserid }), 60121, '找不到该用户')
    expectOapiError(await call('/topapi/v2/user/getuserinfo', { code: freeLogin.code }), 40078)
    const exchange = await userToken(e.url, oauthWithCorp.code)
    expect(exchange.body.code).toBe('invalidParameter.authCode.notFound')
    // No new free-login code for 云栖; 星河 still knows her.
    const refused = await postJson(`${e.url}/__emulator/free-login-code`, {
      corpId: yunqi,
      userid: lina.yunqiUserid,
    })
    expect(refused.status).toBe(404)
    expect(
      e.mintFreeLoginCode({ corpId: e.fixture.corps[1]!.corpId, userid: lina.xingheUserid }).code,
    ).toMatch(/^[0-9a-f]{32}$/)
    // The account itself stays: a plain QR login (openid) still works.
    const plain = e.mintOAuthCode({ clientId: yunqiApp.clientId, unionId: lina.unionId })
    expect((await userToken(e.url, plain.code)).status).toBe(200)
    // Leaving twice is an error.
    const again = await postJson(`${e.url}/__emulator/org/leave`, { corpId: yunqi, userid: lina.yunqiUserid })
    expect(again.status).toBe(404)
  })

  it('a known unionId is a rehire: same account, the userid they had, user_add_org', async () => {
    const e = await emulator()
    e.leave({ corpId: yunqi, userid: lina.yunqiUserid })
    const back = e.hire({ corpId: yunqi, name: '李娜', deptIds: [20], unionId: lina.unionId })
    expect(back).toEqual({ userid: lina.yunqiUserid, unionId: lina.unionId })
    expect(e.fixture.users.filter((u) => u.unionId === lina.unionId)).toHaveLength(1)
    const detail = await oapi(e.url, '/topapi/v2/user/get', { userid: lina.yunqiUserid })
    expect(detail.body.result).toMatchObject({ dept_id_list: [20], unionid: lina.unionId })
    expect(e.events().map((ev) => ev.eventType)).toEqual(['user_leave_org', 'user_add_org'])
    // A different userid on request.
    e.leave({ corpId: yunqi, userid: lina.yunqiUserid })
    expect(
      e.hire({ corpId: yunqi, name: '李娜', deptIds: [1], unionId: lina.unionId, userid: 'lina2' }).userid,
    ).toBe('lina2')
  })

  it('departments: POST → { deptId } org_dept_create, PATCH org_dept_modify, DELETE org_dept_remove', async () => {
    const e = await emulator()
    const created = await postJson(`${e.url}/__emulator/org/departments`, {
      corpId: yunqi,
      name: '质量部',
      parentId: 10,
    })
    expect(created.body).toEqual({ deptId: 31 })
    const renamed = await send('PATCH', `${e.url}/__emulator/org/departments`, {
      corpId: yunqi,
      deptId: 31,
      name: '质量保障部',
      parentId: 1,
    })
    expect(renamed.body).toEqual({ deptId: 31 })
    const dept = await oapi(e.url, '/topapi/v2/department/get', { dept_id: 31 })
    expect(dept.body.result).toMatchObject({ dept_id: 31, name: '质量保障部', parent_id: 1 })
    // Not while someone is in it.
    const { userid } = e.hire({ corpId: yunqi, name: '钱多', deptIds: [31] })
    const busy = await send('DELETE', `${e.url}/__emulator/org/departments`, { corpId: yunqi, deptId: 31 })
    expect(busy.status).toBe(409)
    expect((busy.body.error as { code: string }).code).toBe('department_not_empty')
    e.modifyPerson({ corpId: yunqi, userid, deptIds: [1] })
    const removed = await fetch(`${e.url}/__emulator/org/departments?corpId=${yunqi}&deptId=31`, {
      method: 'DELETE',
    })
    expect(await removed.json()).toEqual({ deptId: 31 })
    expectOapiError(await oapi(e.url, '/topapi/v2/department/get', { dept_id: 31 }), 60003)
    expect((await events(e.url)).map((ev) => [ev.eventType, ev.deptIds ?? ev.userIds])).toEqual([
      ['org_dept_create', [31]],
      ['org_dept_modify', [31]],
      ['user_add_org', [userid]],
      ['user_modify_org', [userid]],
      ['org_dept_remove', [31]],
    ])
  })

  it('refuses department changes that would break the tree', async () => {
    const e = await emulator()
    const patch = (body: Record<string, unknown>) =>
      send('PATCH', `${e.url}/__emulator/org/departments`, body)
    expect((await patch({ corpId: yunqi, deptId: 10, parentId: 11 })).status).toBe(400) // under its own child
    expect((await patch({ corpId: yunqi, deptId: 10, parentId: 10 })).status).toBe(400)
    expect((await patch({ corpId: yunqi, deptId: 1, parentId: 10 })).status).toBe(400)
    expect((await patch({ corpId: yunqi, deptId: 10, parentId: 404 })).status).toBe(404)
    expect((await patch({ corpId: yunqi, deptId: 10 })).status).toBe(400)
    const del = (body: Record<string, unknown>) => send('DELETE', `${e.url}/__emulator/org/departments`, body)
    expect((await del({ corpId: yunqi, deptId: 1 })).status).toBe(400)
    expect((await del({ corpId: yunqi, deptId: 10 })).status).toBe(409) // has 平台组 and people
    const post = (body: Record<string, unknown>) => postJson(`${e.url}/__emulator/org/departments`, body)
    expect((await post({ corpId: yunqi, name: 'x', parentId: 404 })).status).toBe(404)
    expect((await post({ corpId: yunqi, name: 'x', deptId: 10 })).status).toBe(409)
    expect((await post({ corpId: yunqi, parentId: 1 })).status).toBe(400)
    expect(e.events()).toEqual([])
  })

  it('GET /events?clientId= lists only what was delivered to that app; reset puts the organisation back', async () => {
    const e = await emulator()
    e.leave({ corpId: yunqi, userid: zhangwei.userid })
    expect(await events(e.url)).toHaveLength(1)
    // 云栖's app waits for it on Stream; 星河's app is of another corp and gets nothing.
    expect(await events(e.url, `?clientId=${yunqiApp.clientId}`)).toHaveLength(1)
    expect(await events(e.url, `?clientId=${xingheApp.clientId}`)).toEqual([])
    const reset = await postJson(`${e.url}/__emulator/reset`, {})
    expect(reset.body).toEqual({ ok: true })
    expect(await events(e.url)).toEqual([])
    const detail = await oapi(e.url, '/topapi/v2/user/get', { userid: zhangwei.userid })
    expect(detail.body.errcode).toBe(0)
  })

  it('the test API allows PATCH across origins', async () => {
    const e = await emulator()
    const preflight = await fetch(`${e.url}/__emulator/org/people`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'PATCH' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH')
  })
})
