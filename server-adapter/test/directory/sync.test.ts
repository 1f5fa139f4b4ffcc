import type { DingTalkAuth, DirectoryPersonEvent, StateStore } from 'dingtalk-login-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  APP_A,
  CORP_A,
  ZHANG_WEI,
  calls,
  createTestAuth,
  markCalls,
  mintOAuthCode,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

let emu: RunningEmulator
let auth: DingTalkAuth
const events: { kind: string; event: DirectoryPersonEvent }[] = []

beforeEach(async () => {
  emu = await startTestEmulator()
  events.length = 0
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    directory: {
      onPersonJoined: (event) => void events.push({ kind: 'joined', event }),
      onPersonChanged: (event) => void events.push({ kind: 'changed', event }),
      onPersonLeft: (event) => void events.push({ kind: 'left', event }),
    },
  })
})

afterEach(async () => {
  await auth.close()
  await emu.close()
})

/** The corp's members and departments as the emulator holds them (what a complete crawl must find). */
function emulatorOrg() {
  const departments = emu.fixture.departments!.filter((d) => d.corpId === CORP_A)
  const members = emu.fixture.users.flatMap((user) =>
    user.memberships
      .filter((m) => m.corpId === CORP_A && m.deptIdList.length > 0)
      .map((m) => ({ unionId: user.unionId, ...m })),
  )
  return { departments, members }
}

async function loginByQr(unionId: string) {
  const code = await mintOAuthCode(emu, { clientId: APP_A, unionId, scope: 'openid' })
  return auth.service.loginByQrCode({ code, platform: 'web' })
}

describe('auth.directory.sync against the emulator', () => {
  it('crawls the whole corp at the floor of calls, with no per-person call, and stores the tree and people', async () => {
    const { departments, members } = emulatorOrg()
    const mark = markCalls(emu)
    const report = await auth.directory.sync()
    expect(report.complete).toBe(true)
    expect(report.failures).toEqual([])
    expect(report.departments).toMatchObject({ total: departments.length, added: departments.length })
    expect(report.people).toEqual({ added: members.length, changed: 0, left: 0, rehired: 0, unchanged: 0 })

    const made = calls(emu, mark)
    delete made['POST /v1.0/oauth2/accessToken']
    expect(made['POST /topapi/v2/user/get']).toBeUndefined()
    // The root's name (1 get), each department's children (1 listsub) and its one page of people (≤ 100 here).
    expect(made).toEqual({
      'POST /topapi/v2/department/get': 1,
      'POST /topapi/v2/department/listsub': departments.length,
      'POST /topapi/v2/user/list': departments.length,
    })
    expect(report.apiCalls).toBe(1 + 2 * departments.length)

    const stored = await auth.directory.departments(CORP_A)
    expect(stored.map((d) => [d.deptId, d.name, d.parentId])).toEqual(
      departments.map((d) => [d.deptId, d.name, d.deptId === 1 ? null : d.parentId]),
    )
    const people = await auth.directory.people(CORP_A)
    expect(people.map((p) => p.dingUserId).sort()).toEqual(members.map((m) => m.userid).sort())
    const zhang = await auth.directory.findPerson({ corpId: CORP_A, dingUserId: ZHANG_WEI.userid })
    expect(zhang?.person).toMatchObject({
      unionId: ZHANG_WEI.unionId,
      state: 'active',
      admin: true,
      deptIds: [1, 10],
    })
    expect(events.filter((e) => e.kind === 'joined')).toHaveLength(members.length)
  })

  it('finds nothing to do on a second sync, and sees a rename, a move, a new and a removed department', async () => {
    const doomed = emu.createDepartment({ corpId: CORP_A, name: '临时项目组', parentId: 10 })
    await auth.directory.sync()
    expect((await auth.directory.sync()).people.unchanged).toBe(emulatorOrg().members.length)
    const { deptId } = emu.createDepartment({ corpId: CORP_A, name: '设计部' })
    emu.modifyDepartment({ corpId: CORP_A, deptId: 20, name: '产品与设计部' })
    emu.modifyDepartment({ corpId: CORP_A, deptId: 11, parentId: 1 })
    emu.removeDepartment({ corpId: CORP_A, deptId: doomed.deptId })
    const report = await auth.directory.sync()
    expect(report.departments).toMatchObject({ added: 1, changed: 2, removed: 1 })
    const byId = new Map((await auth.directory.departments(CORP_A)).map((d) => [d.deptId, d]))
    expect(byId.get(deptId)?.name).toBe('设计部')
    expect(byId.get(20)?.name).toBe('产品与设计部')
    expect(byId.get(11)?.parentId).toBe(1)
    expect(byId.has(doomed.deptId)).toBe(false)
  })

  it('marks a bound person missing from a complete crawl as left, and a rehire active again with the same local user', async () => {
    const first = await loginByQr(ZHANG_WEI.unionId)
    await auth.directory.sync()
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    const report = await auth.directory.sync()
    expect(report.people.left).toBe(1)
    const gone = await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
    expect(gone?.person).toMatchObject({ state: 'left' })
    expect(gone?.person?.leftAt).toEqual(expect.any(Number))
    expect(gone?.binding?.userId).toBe(first.userId)
    const left = events.find((e) => e.kind === 'left')!.event
    expect(left.binding?.id).toBe(gone?.binding?.id)
    expect(left.user?.id).toBe(first.userId)
    expect(left.source).toBe('crawl')

    emu.hire({ corpId: CORP_A, unionId: ZHANG_WEI.unionId, name: '张伟', deptIds: [10] })
    const back = await auth.directory.sync()
    expect(back.people).toMatchObject({ rehired: 1, left: 0 })
    const again = await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
    expect(again?.person).toMatchObject({ state: 'active', leftAt: null, deptIds: [10] })
    expect((await loginByQr(ZHANG_WEI.unionId)).userId).toBe(first.userId)
  })

  it('points the binding at the new userid of a rehire a crawl finds, so the corp-chosen login keeps working', async () => {
    const first = await loginByQr(ZHANG_WEI.unionId)
    await auth.directory.sync()
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    await auth.directory.sync()
    const { userid } = emu.hire({
      corpId: CORP_A,
      unionId: ZHANG_WEI.unionId,
      userid: 'zhangwei.back',
      name: '张伟',
      deptIds: [10],
    })
    expect((await auth.directory.sync()).people).toMatchObject({ rehired: 1 })
    const binding = await auth.store.findBinding({ corpId: CORP_A, dingUserId: userid })
    expect(binding).toMatchObject({ userId: first.userId, unionId: ZHANG_WEI.unionId, thirdUserId: userid })
    expect(await auth.store.findBinding({ corpId: CORP_A, dingUserId: ZHANG_WEI.userid })).toBeNull()
    // The person chose the corp on the phone: the login reads them by the binding's userid.
    const code = await mintOAuthCode(emu, {
      clientId: APP_A,
      unionId: ZHANG_WEI.unionId,
      scope: 'openid corpid',
      corpId: CORP_A,
    })
    const again = await auth.service.loginByQrCode({ code, platform: 'web' })
    expect(again).toMatchObject({ userId: first.userId, binding: { dingUserId: userid } })
    // Nothing moves on a dry run.
    emu.leave({ corpId: CORP_A, userid })
    emu.hire({
      corpId: CORP_A,
      unionId: ZHANG_WEI.unionId,
      userid: 'zhangwei.third',
      name: '张伟',
      deptIds: [10],
    })
    await auth.directory.sync({ dryRun: true })
    expect((await auth.store.findBinding({ id: binding!.id }))?.thirdUserId).toBe(userid)
  })

  it('disables nobody when a department fails even after retries, and says why', async () => {
    await loginByQr(ZHANG_WEI.unionId)
    await auth.directory.sync()
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    // The people lists stay throttled through every retry; the tree itself reads fine.
    emu.addFault({ endpoint: 'POST /topapi/v2/user/list', kind: 'throttle' })
    const report = await auth.directory.sync()
    expect(report.complete).toBe(false)
    expect(report.people.left).toBe(0)
    expect(report.failures).toHaveLength(emulatorOrg().departments.length)
    for (const failure of report.failures)
      expect(failure).toMatchObject({
        reason: 'throttled',
        endpoint: 'POST /topapi/v2/user/list',
        corpId: CORP_A,
      })
    const person = await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
    expect(person?.person?.state).toBe('active')
    expect(events.some((e) => e.kind === 'left')).toBe(false)
  })

  it('says what failed when it is not DingTalk (here the state store of the app token), never a password', async () => {
    const down = new Error(
      'connect ECONNREFUSED redis://:s3cretpw@10.0.0.7:6379\n    at Socket.connect (net.js:1)',
    )
    const fail = async (): Promise<never> => {
      throw down
    }
    const stateStore: StateStore = {
      set: fail,
      get: fail,
      take: fail,
      delete: fail,
      extend: fail,
      addToSet: fail,
      setMembers: fail,
      removeFromSet: fail,
    }
    const broken = await createTestAuth(emu, { clientIds: [APP_A], stateStore })
    try {
      const report = await broken.directory.sync()
      expect(report.complete).toBe(false)
      expect(report.failures[0]).toMatchObject({
        reason: 'error',
        endpoint: 'POST /topapi/v2/department/get',
        detail: 'Error: connect ECONNREFUSED redis://10.0.0.7:6379',
      })
    } finally {
      await broken.close()
    }
  })

  it('stops at a used-up monthly quota, disables nobody, and reports the quota', async () => {
    await auth.directory.sync()
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    emu.addFault({ kind: 'quota', afterCalls: 3 })
    const mark = markCalls(emu)
    const report = await auth.directory.sync()
    expect(report.complete).toBe(false)
    expect(report.people.left).toBe(0)
    expect(report.failures.some((f) => f.reason === 'quota')).toBe(true)
    // No retry of a quota answer, and no call after it beyond those already in flight.
    const total = Object.values(calls(emu, mark)).reduce((a, b) => a + b, 0)
    expect(total).toBeLessThanOrEqual(3 + 4)
    expect((await auth.directory.people(CORP_A, { state: 'left' })).length).toBe(0)
  })

  it("stops at an IP ban of DingTalk's gateway, disables nobody, and reports the ban by its name", async () => {
    await auth.directory.sync()
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    emu.addFault({ kind: 'ipBan', afterCalls: 3 })
    const report = await auth.directory.sync()
    expect(report.complete).toBe(false)
    expect(report.people.left).toBe(0)
    expect(report.failures.length).toBeGreaterThan(0)
    expect(report.failures.every((f) => f.reason === 'ip_banned')).toBe(true)
    // Stopped at once: not one failure per department of the tree.
    expect(report.failures.length).toBeLessThan((await auth.directory.departments(CORP_A)).length)
    expect((await auth.directory.people(CORP_A, { state: 'left' })).length).toBe(0)
  })

  it('changes nothing on a dry run but reports what it would do', async () => {
    await loginByQr(ZHANG_WEI.unionId)
    await auth.directory.sync()
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    events.length = 0
    const report = await auth.directory.sync({ dryRun: true })
    expect(report).toMatchObject({ dryRun: true, complete: true, people: { left: 1 } })
    expect(
      (await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }))?.person?.state,
    ).toBe('active')
    expect(events).toEqual([])
  })

  it('marks a person bound before any sync as left when a complete crawl does not find them', async () => {
    await loginByQr(ZHANG_WEI.unionId)
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    const report = await auth.directory.sync()
    expect(report.people.left).toBe(1)
    expect(
      (await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }))?.person?.state,
    ).toBe('left')
  })
})

describe("leavers: 'keep'", () => {
  it('records the leave but ends no session; with the default every session of the leaver ends', async () => {
    for (const leavers of ['keep', 'disable'] as const) {
      const own = await startTestEmulator()
      const current = await createTestAuth(own, {
        clientIds: [APP_A],
        session: { secret: 'k'.repeat(43) },
        directory: { leavers },
      })
      try {
        const { code } = own.mintFreeLoginCode({ corpId: CORP_A, userid: ZHANG_WEI.userid })
        const response = await current.handler(
          new Request('http://127.0.0.1/api/auth/dingtalk/login/workbench', {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
            body: JSON.stringify({ corpId: CORP_A, authCode: code, platform: 'ios' }),
          }),
        )
        const { token } = ((await response.json()) as { session: { token: string } }).session
        await current.directory.sync()
        own.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
        expect((await current.directory.sync()).people.left).toBe(1)
        const person = await current.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
        expect(person?.person?.state).toBe('left')
        const claims = await current.sessions.verify(token)
        if (leavers === 'keep') expect(claims?.bindingId).toBe(person?.binding?.id)
        else expect(claims).toBeNull()
      } finally {
        await current.close()
        await own.close()
      }
    }
  })
})
