import { defaultFixture } from 'dingtalk-emulator'
import type { EmulatorOptions } from 'dingtalk-emulator'
import { describe, expect, it } from 'vitest'
import { appToken, emulator, expectOapiError, lina, machao, postJson, yunqi, zhangwei } from './helpers'
import type { Answer } from './helpers'

/** 王芳 (产品部) and 刘洋 (技术部): the only people of 云栖 the first app may see. */
const wangfang = { userid: 'manager4220', unionId: 'UpnLQkw3lN4q7OJjAl9eiE' }
const liuyang = { userid: '0456123789', unionId: 'fPZHAcRjzoQrODEfsiV0iE' }

/** The default organisation with the first app (云栖统一登录) visible to 王芳 and 刘洋 only. */
async function rangedEmulator(options: EmulatorOptions = {}) {
  const fixture = structuredClone(defaultFixture)
  fixture.apps[0]!.visibleUserids = [wangfang.userid, liuyang.userid]
  const e = await emulator({ ...options, fixture })
  const token = await appToken(e.url)
  const call = (path: string, body: Record<string, unknown>): Promise<Answer> =>
    postJson(`${e.url}${path}?access_token=${token}`, body)
  return { e, call }
}

describe("the app's visible range (visibleUserids)", () => {
  it('v2/user/get answers 50002 for a person outside it, and the record for one inside', async () => {
    const { call } = await rangedEmulator()
    const outside = await call('/topapi/v2/user/get', { userid: zhangwei.userid })
    expectOapiError(outside, 50002, '员工不在授权范围')
    expect(outside.body.result).toBeUndefined()
    const inside = await call('/topapi/v2/user/get', { userid: wangfang.userid })
    expect(inside.body).toMatchObject({
      errcode: 0,
      result: { userid: wangfang.userid, unionid: wangfang.unionId },
    })
  })

  it('v2/user/get: a leaver inside the range is 60121, a userid outside it is 50002 whether known or not', async () => {
    const { e, call } = await rangedEmulator()
    e.leave({ corpId: yunqi, userid: liuyang.userid })
    expectOapiError(await call('/topapi/v2/user/get', { userid: liuyang.userid }), 60121, '找不到该用户')
    e.leave({ corpId: yunqi, userid: zhangwei.userid })
    expectOapiError(await call('/topapi/v2/user/get', { userid: zhangwei.userid }), 50002)
    expectOapiError(await call('/topapi/v2/user/get', { userid: 'nosuchperson' }), 50002)
  })

  it('getbyunionid answers 50002 for a member outside it, 60121 for a stranger, the userid for one inside', async () => {
    const { call } = await rangedEmulator()
    expectOapiError(await call('/topapi/user/getbyunionid', { unionid: zhangwei.unionId }), 50002)
    expectOapiError(await call('/topapi/user/getbyunionid', { unionid: machao.unionId }), 60121)
    const inside = await call('/topapi/user/getbyunionid', { unionid: wangfang.unionId })
    expect(inside.body).toMatchObject({ errcode: 0, result: { contact_type: 0, userid: wangfang.userid } })
  })

  it('user/list and user/listid list only the people inside it; the departments all stay readable', async () => {
    const { call } = await rangedEmulator()
    const ids = async (deptId: number) =>
      ((await call('/topapi/user/listid', { dept_id: deptId })).body.result as { userid_list: string[] })
        .userid_list
    expect(await ids(10)).toEqual([liuyang.userid])
    expect(await ids(20)).toEqual([wangfang.userid])
    expect(await ids(1)).toEqual([])
    // Paged over the people it may see: one per page, and no page past them.
    const first = await call('/topapi/v2/user/list', { dept_id: 10, cursor: 0, size: 1 })
    expect(first.body.result).toMatchObject({ has_more: false, list: [{ userid: liuyang.userid }] })
    const sub = await call('/topapi/v2/department/listsub', { dept_id: 1 })
    expect((sub.body.result as unknown[]).length).toBe(3)
    expect((await call('/topapi/v2/department/get', { dept_id: 30 })).body.errcode).toBe(0)
  })

  it('every member call and list agrees: someone outside it is nowhere, someone inside everywhere', async () => {
    const { e, call } = await rangedEmulator()
    const listed = new Set<string>()
    for (const deptId of [1, 10, 11, 20, 30]) {
      const page = await call('/topapi/v2/user/list', { dept_id: deptId, cursor: 0, size: 100 })
      for (const row of (page.body.result as { list: { userid: string }[] }).list) listed.add(row.userid)
    }
    expect([...listed].sort()).toEqual([liuyang.userid, wangfang.userid].sort())
    for (const member of e.fixture.users.flatMap((u) => u.memberships.filter((m) => m.corpId === yunqi))) {
      const inside = listed.has(member.userid)
      expect((await call('/topapi/v2/user/get', { userid: member.userid })).body.errcode).toBe(
        inside ? 0 : 50002,
      )
    }
  })

  it('answers with the configured outOfScopeError', async () => {
    const { e, call } = await rangedEmulator({ outOfScopeError: { errcode: 60011, errmsg: '没有权限' } })
    expectOapiError(await call('/topapi/v2/user/get', { userid: lina.yunqiUserid }), 60011, '没有权限')
    expectOapiError(await call('/topapi/user/getbyunionid', { unionid: lina.unionId }), 60011, '没有权限')
    const { code } = e.mintFreeLoginCode({ corpId: yunqi, userid: lina.yunqiUserid })
    expectOapiError(await call('/topapi/v2/user/getuserinfo', { code }), 60011, '没有权限')
  })

  it('applies to the app it is set on only: another app of the corp sees everyone', async () => {
    const fixture = structuredClone(defaultFixture)
    fixture.apps[0]!.visibleUserids = [wangfang.userid]
    const e = await emulator({ fixture })
    const other = await appToken(e.url, fixture.apps[2]!)
    const detail = await postJson(`${e.url}/topapi/v2/user/get?access_token=${other}`, {
      userid: zhangwei.userid,
    })
    expect(detail.body.errcode).toBe(0)
  })
})
