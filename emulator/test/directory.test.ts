import { describe, expect, it } from 'vitest'
import {
  appToken,
  emulator,
  expectOapiError,
  expectV1Error,
  get,
  lina,
  noContactApp,
  postForm,
  postJson,
  xinghe,
  xingheApp,
  yunqi,
  yunqiApp,
  zhangwei,
} from './helpers'
import type { Answer } from './helpers'

type Caller = (path: string, body?: Record<string, unknown>) => Promise<Answer>

async function caller(url: string, app = yunqiApp): Promise<Caller> {
  const token = await appToken(url, app)
  return (path, body = {}) => postJson(`${url}${path}?access_token=${token}`, body)
}

const LISTSUB = '/topapi/v2/department/listsub'
const LISTSUBID = '/topapi/v2/department/listsubid'
const DEPT_GET = '/topapi/v2/department/get'
const USER_LIST = '/topapi/v2/user/list'
const USER_LISTID = '/topapi/user/listid'

interface ListPage {
  has_more: boolean
  next_cursor?: number
  list: Record<string, unknown>[]
}

describe('departments: listsub, listsubid, department/get', () => {
  it('walks the tree one level at a time, the root by default', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    const root = await call(LISTSUB)
    expect(root.body).toMatchObject({ errcode: 0, errmsg: 'ok', request_id: expect.any(String) })
    expect(root.body.result).toEqual([
      { dept_id: 10, name: '技术部', parent_id: 1, create_dept_group: false, auto_add_user: false },
      { dept_id: 20, name: '产品部', parent_id: 1, create_dept_group: false, auto_add_user: false },
      { dept_id: 30, name: '人力资源部', parent_id: 1, create_dept_group: false, auto_add_user: false },
    ])
    expect(
      ((await call(LISTSUB, { dept_id: 10 })).body.result as { dept_id: number }[]).map((d) => d.dept_id),
    ).toEqual([11])
    expect((await call(LISTSUB, { dept_id: 11, language: 'zh_CN' })).body.result).toEqual([])
    expect((await call(LISTSUBID, { dept_id: 1 })).body.result).toEqual({ dept_id_list: [10, 20, 30] })
    expect((await call(DEPT_GET, { dept_id: 1 })).body.result).toEqual({
      dept_id: 1,
      name: '杭州云栖科技有限公司',
      create_dept_group: false,
      auto_add_user: false,
    })
    expect((await call(DEPT_GET, { dept_id: '11' })).body.result).toMatchObject({
      name: '平台组',
      parent_id: 10,
    })
  })

  it('answers DingTalk errors: 60003 unknown, 40035 missing, 400002 invalid; an urlencoded form works too', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    expectOapiError(await call(LISTSUB, { dept_id: 404 }), 60003, '部门不存在')
    expectOapiError(await call(DEPT_GET, { dept_id: 404 }), 60003)
    expectOapiError(await call(LISTSUBID), 40035, '缺少参数 dept_id')
    expectOapiError(await call(DEPT_GET), 40035)
    expectOapiError(await call(LISTSUBID, { dept_id: 'abc' }), 400002)
    expectOapiError(await call(LISTSUBID, { dept_id: -1 }), 400002)
    const token = await appToken(e.url)
    const form = await postForm(`${e.url}${LISTSUBID}`, { access_token: token, dept_id: '10' })
    expect(form.body.result).toEqual({ dept_id_list: [11] })
  })

  it('each corp sees only its own tree', async () => {
    const e = await emulator()
    const call = await caller(e.url, xingheApp)
    expect((await call(LISTSUBID, { dept_id: 1 })).body.result).toEqual({ dept_id_list: [2, 3] })
    expectOapiError(await call(DEPT_GET, { dept_id: 10 }), 60003)
    expect((await call(DEPT_GET, { dept_id: 1 })).body.result).toMatchObject({ name: '北京星河数据有限公司' })
  })
})

describe('people: v2/user/list and user/listid', () => {
  it('lists the people directly in a department, paged by cursor', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    const first = (await call(USER_LIST, { dept_id: 10, cursor: 0, size: 3 })).body.result as ListPage
    expect(first.has_more).toBe(true)
    expect(first.next_cursor).toBe(3)
    const second = (await call(USER_LIST, { dept_id: 10, cursor: first.next_cursor, size: 3 })).body
      .result as ListPage
    expect(second.has_more).toBe(false)
    expect(second.next_cursor).toBeUndefined()
    const ids = [...first.list, ...second.list].map((u) => u.userid)
    expect(ids).toEqual(['0138261547271', '01214738', '0456123789', '3150287'])
    // Only that department: 张伟 is in 1 and 10; nobody from 技术部 shows up under the root otherwise.
    const root = (await call(USER_LIST, { dept_id: 1, cursor: 0, size: 100 })).body.result as ListPage
    expect(root.list.map((u) => u.userid)).toEqual([zhangwei.userid])
    expect((await call(USER_LIST, { dept_id: 11, cursor: 0, size: 10 })).body.result).toEqual({
      has_more: false,
      list: [],
    })
    expect(first.list[0]).toEqual({
      userid: zhangwei.userid,
      unionid: zhangwei.unionId,
      name: '张伟',
      avatar: expect.stringMatching(/^https:/),
      state_code: '86',
      mobile: '13800138001',
      hide_mobile: false,
      job_number: 'YQ0001',
      title: '技术总监',
      email: 'zhangwei@example.com',
      work_place: '杭州',
      org_email: 'zhangwei@yunqi.example',
      dept_id_list: [1, 10],
      dept_order: expect.any(Number),
      hired_date: 1_420_070_400_000,
      active: true,
      admin: true,
      boss: false,
      leader: false,
      exclusive_account: false,
    })
    const listid = await call(USER_LISTID, { dept_id: 10 })
    expect(listid.body.result).toEqual({ userid_list: ids })
  })

  it('orders by hire date on request', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    const page = async (order: string) =>
      (
        (await call(USER_LIST, { dept_id: 10, cursor: 0, size: 10, order_field: order })).body
          .result as ListPage
      ).list.map((u) => u.hired_date as number)
    const asc = await page('entry_asc')
    expect(asc).toEqual([...asc].sort((a, b) => a - b))
    expect(await page('entry_desc')).toEqual([...asc].reverse())
    expectOapiError(await call(USER_LIST, { dept_id: 10, cursor: 0, size: 10, order_field: 'name' }), 400002)
  })

  it('checks cursor and size (≤ 100) and the department', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    expectOapiError(await call(USER_LIST, { dept_id: 10, cursor: 0, size: 101 }), 400002)
    expectOapiError(await call(USER_LIST, { dept_id: 10, cursor: 0, size: 0 }), 400002)
    expectOapiError(await call(USER_LIST, { dept_id: 10, cursor: -1, size: 10 }), 400002)
    expectOapiError(await call(USER_LIST, { dept_id: 10, size: 10 }), 40035, '缺少参数 cursor')
    expectOapiError(await call(USER_LIST, { dept_id: 10, cursor: 0 }), 40035, '缺少参数 size')
    expectOapiError(await call(USER_LIST, { cursor: 0, size: 10 }), 40035, '缺少参数 dept_id')
    expectOapiError(await call(USER_LIST, { dept_id: 404, cursor: 0, size: 10 }), 60003)
    expectOapiError(await call(USER_LISTID, { dept_id: 404 }), 60003)
    expect((await call(USER_LIST, { dept_id: 10, cursor: 50, size: 10 })).body.result).toEqual({
      has_more: false,
      list: [],
    })
  })

  it('follows the organisation: a hire appears, a leaver disappears, a move changes departments', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    const idsIn = async (deptId: number) =>
      ((await call(USER_LISTID, { dept_id: deptId })).body.result as { userid_list: string[] }).userid_list
    const { userid } = e.hire({ corpId: yunqi, name: '郑新', deptIds: [30] })
    expect(await idsIn(30)).toEqual(['0990011223', userid])
    e.leave({ corpId: yunqi, userid: lina.yunqiUserid })
    expect(await idsIn(10)).not.toContain(lina.yunqiUserid)
    e.modifyPerson({ corpId: yunqi, userid, deptIds: [11] })
    expect(await idsIn(30)).toEqual(['0990011223'])
    expect(await idsIn(11)).toEqual([userid])
  })
})

describe('permissions, tokens, throttling, quota and stats', () => {
  it('60011 names the missing permission', async () => {
    const e = await emulator()
    const call = await caller(e.url, noContactApp)
    for (const path of [LISTSUB, LISTSUBID, DEPT_GET]) {
      expectOapiError(
        await call(path, { dept_id: 1 }),
        60011,
        '应用尚未开通所需的权限：[qyapi_get_department_list]',
      )
    }
    for (const path of [USER_LIST, USER_LISTID]) {
      expectOapiError(
        await call(path, { dept_id: 1, cursor: 0, size: 10 }),
        60011,
        '应用尚未开通所需的权限：[qyapi_get_department_member]',
      )
    }
  })

  it('[U] userListPermissions: both permissions, as Casdoor saw', async () => {
    const fixture = (await emulator()).fixture
    fixture.apps[0]!.permissions = fixture.apps[0]!.permissions.filter(
      (p) => p !== 'qyapi_get_department_list',
    )
    const e = await emulator({
      fixture,
      userListPermissions: ['qyapi_get_department_list', 'qyapi_get_department_member'],
    })
    const call = await caller(e.url)
    expectOapiError(
      await call(USER_LIST, { dept_id: 1, cursor: 0, size: 10 }),
      60011,
      '应用尚未开通所需的权限：[qyapi_get_department_list]',
    )
  })

  it('answers bad or missing tokens with 88', async () => {
    const e = await emulator()
    const blank = await postJson(`${e.url}${LISTSUB}`, {})
    expectOapiError(blank, 88)
    expect(blank.body.sub_code).toBe('40000')
    const bad = await postJson(`${e.url}${USER_LIST}?access_token=nope`, { dept_id: 1, cursor: 0, size: 1 })
    expect(bad.body.sub_code).toBe('40014')
  })

  it('throttles one API after N calls per window (90002), on the emulator clock', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    e.addFault({ endpoint: `POST ${USER_LIST}`, kind: 'throttle', afterCalls: 2, windowMs: 1000 })
    const list = () => call(USER_LIST, { dept_id: 10, cursor: 0, size: 1 })
    expect((await list()).body.errcode).toBe(0)
    expect((await list()).body.errcode).toBe(0)
    expectOapiError(await list(), 90002)
    // Other APIs are not affected.
    expect((await call(LISTSUB)).body.errcode).toBe(0)
    e.clock.advance(1000)
    expect((await list()).body.errcode).toBe(0)
    // A corp-level code instead, through the fault's errcode.
    e.clearFaults()
    e.addFault({ endpoint: USER_LIST, kind: 'throttle', errcode: 90006, count: 1 })
    expectOapiError(await list(), 90006)
  })

  it('the monthly quota: after N calls every API answers 90020 / ApiCountLimitForOrg', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    const token = await appToken(e.url)
    const added = await postJson(`${e.url}/__emulator/faults`, { kind: 'quota', afterCalls: 2 })
    expect(added.body.fault).toMatchObject({ kind: 'quota', afterCalls: 2 })
    expect((await call(LISTSUB)).body.errcode).toBe(0)
    expect((await call(LISTSUBID, { dept_id: 1 })).body.errcode).toBe(0)
    expectOapiError(await call(USER_LIST, { dept_id: 1, cursor: 0, size: 1 }), 90020)
    const v1 = await get(
      `${e.url}/v1.0/contact/empLeaveRecords?startTime=2026-01-01T00:00:00Z&maxResults=10`,
      {
        'x-acs-dingtalk-access-token': token,
      },
    )
    expectV1Error(v1, 403, 'Forbidden.AccessDenied.ApiCountLimitForOrg')
    const refused = await postJson(`${e.url}/__emulator/faults`, { kind: 'quota', windowMs: 10 })
    expect(refused.status).toBe(400)
  })

  it('records directory calls in stats like the others', async () => {
    const e = await emulator()
    const call = await caller(e.url)
    await call(LISTSUB)
    await call(USER_LIST, { dept_id: 1, cursor: 0, size: 1 })
    await call(USER_LIST, { dept_id: 10, cursor: 0, size: 1 })
    const stats = e.stats()
    expect(stats.byEndpoint[`POST ${LISTSUB}`]).toBe(1)
    expect(stats.byEndpoint[`POST ${USER_LIST}`]).toBe(2)
    expect(stats.byApp[yunqiApp.clientId]![`POST ${USER_LIST}`]).toBe(2)
  })
})

describe('GET /v1.0/contact/empLeaveRecords', () => {
  const leaveRecords = (url: string, token: string, query: string) =>
    get(`${url}/v1.0/contact/empLeaveRecords?${query}`, { 'x-acs-dingtalk-access-token': token })

  it('lists who left the corp in the window, paged by nextToken', async () => {
    const e = await emulator()
    const start = new Date(e.clock.now() - 60_000).toISOString()
    e.leave({ corpId: yunqi, userid: lina.yunqiUserid })
    e.clock.advance(1000)
    e.leave({ corpId: yunqi, userid: zhangwei.userid, reason: 'hr' })
    e.leave({ corpId: xinghe, userid: 'wuting' })
    const token = await appToken(e.url)
    const first = await leaveRecords(e.url, token, `startTime=${start}&maxResults=1`)
    expect(first.status).toBe(200)
    expect(first.body).toEqual({
      nextToken: expect.stringMatching(/^[0-9A-F]{16}$/),
      records: [
        {
          userId: lina.yunqiUserid,
          name: '李娜',
          stateCode: '86',
          mobile: '13800138003',
          leaveTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          leaveReason: 'oapi',
          deptIds: [10],
        },
      ],
    })
    const second = await leaveRecords(
      e.url,
      token,
      `startTime=${start}&maxResults=1&nextToken=${first.body.nextToken as string}`,
    )
    expect(second.body).toEqual({
      records: [expect.objectContaining({ userId: zhangwei.userid, leaveReason: 'hr', deptIds: [1, 10] })],
    })
    // The window: nothing before it; endTime bounds it.
    const later = new Date(e.clock.now() + 60_000).toISOString()
    const muchLater = new Date(e.clock.now() + 3_600_000).toISOString()
    expect(
      (await leaveRecords(e.url, token, `startTime=${later}&endTime=${muchLater}&maxResults=50`)).body,
    ).toEqual({
      records: [],
    })
    // Without endTime the window ends now, so a start in the future is an error.
    expectV1Error(
      await leaveRecords(e.url, token, `startTime=${later}&maxResults=50`),
      400,
      'invalidParameter',
    )
    const earlyEnd = new Date(e.clock.now() - 500).toISOString()
    const bounded = await leaveRecords(e.url, token, `startTime=${start}&endTime=${earlyEnd}&maxResults=50`)
    expect((bounded.body.records as unknown[]).length).toBe(1)
  })

  it('refuses bad parameters, missing permission and missing or bad tokens', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const start = '2026-01-01T00:00:00Z'
    expectV1Error(await leaveRecords(e.url, token, 'maxResults=10'), 400, 'MissingstartTime')
    expectV1Error(await leaveRecords(e.url, token, `startTime=${start}`), 400, 'MissingmaxResults')
    expectV1Error(
      await leaveRecords(e.url, token, `startTime=${start}&maxResults=51`),
      400,
      'invalidParameter',
    )
    expectV1Error(
      await leaveRecords(e.url, token, `startTime=yesterday&maxResults=5`),
      400,
      'invalidParameter',
    )
    expectV1Error(
      await leaveRecords(
        e.url,
        token,
        `startTime=2024-01-01T00:00:00Z&endTime=2025-06-01T00:00:00Z&maxResults=5`,
      ),
      400,
      'invalidParameter',
      '查询时间范围不能超过365天',
    )
    expectV1Error(
      await leaveRecords(e.url, token, `startTime=${start}&maxResults=5&nextToken=zzz`),
      400,
      'invalidParameter',
    )
    const denied = await leaveRecords(
      e.url,
      await appToken(e.url, noContactApp),
      `startTime=${start}&maxResults=5`,
    )
    expectV1Error(denied, 403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied')
    expect(denied.body.accessdenieddetail).toEqual({ requiredScopes: ['Contact.Common.Read'] })
    expectV1Error(
      await get(
        `${e.url}/v1.0/contact/empLeaveRecords?startTime=${start}&maxResults=5&access_token=${token}`,
      ),
      400,
      'AuthenticationFailed.MissingParameter',
    )
    expectV1Error(
      await leaveRecords(e.url, 'nope', `startTime=${start}&maxResults=5`),
      400,
      'InvalidAuthentication',
    )
    expect(e.stats().byEndpoint['GET /v1.0/contact/empLeaveRecords']).toBe(9)
  })
})
