import { createMemoryBindingStore, isVacatedUserId } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkAuthOptions } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bindingStoreBackends } from './support/bindingStores'
import type { StoreUnderTest } from './support/bindingStores'
import {
  APP_A,
  CORP_A,
  createRecordingLogger,
  createTestAuth,
  mintFreeLoginCode,
  mintOAuthCode,
  startTestEmulator,
  workbenchSessionLogin,
} from './support/emulator'
import type { RunningEmulator } from './support/emulator'

// A corp may give a person a custom userid (`zhangsan`); after they leave, DingTalk may give the same userid to
// someone else. The new holder must never log in as the previous one: only the unionId says who a person is.

const { backends, removeFiles } = bindingStoreBackends('reused-userid')
const REUSED = 'zhangsan'
const A_BACK = 'zhangsan.back'

/** A `fetch` that drops `unionid` from DingTalk's answers to `endpoint` (it normally has one). */
function withoutUnionId(endpoint: RegExp): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!endpoint.test(url)) return response
    const body = (await response.json()) as { result?: { unionid?: string } }
    delete body.result?.unionid
    return Response.json(body, { status: response.status })
  }
}

/** `getuserinfo` without `unionid`: the login must not trust the userid. */
const withoutUserInfoUnionId = withoutUnionId(/\/topapi\/v2\/user\/getuserinfo(\?|$)/)

/** `v2/user/get` without `unionid`: the login must not take it for the recorded person's. */
const withoutUserGetUnionId = withoutUnionId(/\/topapi\/v2\/user\/get(\?|$)/)

let emu: RunningEmulator

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
  removeFiles()
})

const hireA = () => emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [10] })
const hireB = () => emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [20] })

async function workbenchLogin(auth: DingTalkAuth, userid: string) {
  const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid })
  return auth.service.loginByWorkbench({ corpId: CORP_A, authCode })
}

/** A QR login; with the `corpid` scope the person chose corp A on the phone. */
async function qrLogin(
  auth: DingTalkAuth,
  unionId: string,
  scope: 'openid' | 'openid corpid' = 'openid corpid',
) {
  const chosen = scope === 'openid corpid' ? { corpId: CORP_A } : {}
  const code = await mintOAuthCode(emu, { clientId: APP_A, unionId, scope, ...chosen })
  return auth.service.loginByQrCode({ code, corpId: CORP_A })
}

describe.each(backends)('a userid DingTalk handed to another person ($name)', ({ open, skip }) => {
  let opened: StoreUnderTest
  let auth: DingTalkAuth
  const logger = createRecordingLogger()

  async function startAuth(overrides: Partial<DingTalkAuthOptions> = {}) {
    await auth?.close()
    auth = await createTestAuth(emu, { clientIds: [APP_A], store: opened.store, logger, ...overrides })
  }

  beforeEach(async () => {
    if (skip) return
    emu.reset()
    logger.lines.length = 0
    opened = await open()
    await startAuth()
  })
  afterEach(async () => {
    if (skip) return
    await auth.close()
    await opened.cleanup()
  })

  /** A's binding: still there, A's local user, its userid vacated. */
  async function expectVacated(unionId: string, userId: string) {
    const stale = await opened.store.findBinding({ corpId: CORP_A, unionId })
    expect(stale).toMatchObject({ userId, unionId })
    expect(isVacatedUserId(stale!.thirdUserId)).toBe(true)
    const warnings = logger.lines.filter((line) => line.startsWith('warn') && line.includes('vacated'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(stale!.id)
    expect(warnings[0]).not.toContain('张三')
    expect(warnings[0]).not.toContain(REUSED)
  }

  it.skipIf(skip)(
    'workbench: the new holder gets a new local user; the first comes back under a new userid as themselves (QR, then workbench)',
    async () => {
      const a = hireA()
      const first = await workbenchLogin(auth, REUSED)
      expect(first).toMatchObject({ isNewUser: true, binding: { dingUserId: REUSED, unionId: a.unionId } })
      emu.leave({ corpId: CORP_A, userid: REUSED })
      const b = hireB()
      expect(b.unionId).not.toBe(a.unionId)

      const other = await workbenchLogin(auth, REUSED)
      expect(other.userId).not.toBe(first.userId)
      expect(other).toMatchObject({ isNewUser: true, binding: { dingUserId: REUSED, unionId: b.unionId } })
      await expectVacated(a.unionId, first.userId)
      // Again: B is B, and A's account is untouched.
      expect((await workbenchLogin(auth, REUSED)).userId).toBe(other.userId)

      emu.hire({ corpId: CORP_A, unionId: a.unionId, userid: A_BACK, name: '张三', deptIds: [10] })
      const backByQr = await qrLogin(auth, a.unionId)
      expect(backByQr).toMatchObject({
        userId: first.userId,
        isNewUser: false,
        binding: { dingUserId: A_BACK },
      })
      const backByWorkbench = await workbenchLogin(auth, A_BACK)
      expect(backByWorkbench).toMatchObject({ userId: first.userId, isNewUser: false })
      expect((await workbenchLogin(auth, REUSED)).userId).toBe(other.userId)
    },
  )

  it.skipIf(skip)(
    'QR: the new holder gets a new local user, and the first comes back by workbench',
    async () => {
      const a = hireA()
      const first = await qrLogin(auth, a.unionId, 'openid')
      emu.leave({ corpId: CORP_A, userid: REUSED })
      const b = hireB()

      for (const scope of ['openid corpid', 'openid'] as const) {
        const other = await qrLogin(auth, b.unionId, scope)
        expect(other.userId).not.toBe(first.userId)
        expect(other.binding).toMatchObject({ dingUserId: REUSED, unionId: b.unionId })
      }
      await expectVacated(a.unionId, first.userId)

      emu.hire({ corpId: CORP_A, unionId: a.unionId, userid: A_BACK, name: '张三', deptIds: [10] })
      expect(await workbenchLogin(auth, A_BACK)).toMatchObject({ userId: first.userId, isNewUser: false })
    },
  )

  it.skipIf(skip)(
    'QR of the first person back before the new holder logs in: the recorded userid is someone else now',
    async () => {
      const a = hireA()
      const first = await qrLogin(auth, a.unionId)
      emu.leave({ corpId: CORP_A, userid: REUSED })
      const b = hireB()
      emu.hire({ corpId: CORP_A, unionId: a.unionId, userid: A_BACK, name: '张三', deptIds: [10] })

      // v2/user/get of the recorded `zhangsan` answers B now: A is found by unionId under the new userid.
      const back = await qrLogin(auth, a.unionId)
      expect(back).toMatchObject({ userId: first.userId, isNewUser: false, binding: { dingUserId: A_BACK } })
      const other = await workbenchLogin(auth, REUSED)
      expect(other).toMatchObject({ isNewUser: true, binding: { unionId: b.unionId } })
      expect(other.userId).not.toBe(first.userId)
    },
  )

  it.skipIf(skip)(
    'getuserinfo without a unionId and a fresh stored profile: the userid alone is not trusted',
    async () => {
      await startAuth({ fetch: withoutUserInfoUnionId, profileMaxAgeMs: 3_600_000 })
      hireA()
      const first = await workbenchLogin(auth, REUSED)
      expect((await workbenchLogin(auth, REUSED)).userId).toBe(first.userId)
      emu.leave({ corpId: CORP_A, userid: REUSED })
      const b = hireB()

      const other = await workbenchLogin(auth, REUSED)
      expect(other).toMatchObject({ isNewUser: true, binding: { unionId: b.unionId } })
      expect(other.userId).not.toBe(first.userId)
    },
  )

  it.skipIf(skip)(
    "QR with the corp chosen: a v2/user/get answer without a unionId for the recorded userid is not taken as the person's",
    async () => {
      await startAuth({ fetch: withoutUserGetUnionId })
      const a = hireA()
      const first = await qrLogin(auth, a.unionId)
      // getbyunionid confirms the recorded userid: the answer is theirs.
      expect(await qrLogin(auth, a.unionId)).toMatchObject({
        userId: first.userId,
        binding: { dingUserId: REUSED },
      })
      emu.leave({ corpId: CORP_A, userid: REUSED })
      emu.hire({ corpId: CORP_A, userid: REUSED, name: '李四', deptIds: [20] })
      emu.hire({ corpId: CORP_A, unionId: a.unionId, userid: A_BACK, name: '张三', deptIds: [10] })

      // v2/user/get of the recorded `zhangsan` answers B without a unionId: getbyunionid names A's new userid.
      const back = await qrLogin(auth, a.unionId)
      expect(back).toMatchObject({
        userId: first.userId,
        binding: { dingUserId: A_BACK, unionId: a.unionId },
        user: { name: '张三' },
      })
    },
  )

  it.skipIf(skip)(
    "a rehired person whose new userid another person's binding holds takes it over, as their own local user",
    async () => {
      const a = hireA()
      const first = await workbenchLogin(auth, REUSED)
      const b = emu.hire({ corpId: CORP_A, userid: 'lisi', name: '李四', deptIds: [20] })
      const bFirst = await workbenchLogin(auth, 'lisi')
      emu.leave({ corpId: CORP_A, userid: REUSED })
      emu.leave({ corpId: CORP_A, userid: 'lisi' })
      emu.hire({ corpId: CORP_A, unionId: b.unionId, userid: REUSED, name: '李四', deptIds: [20] })

      const back = await workbenchLogin(auth, REUSED)
      expect(back).toMatchObject({ userId: bFirst.userId, isNewUser: false, binding: { unionId: b.unionId } })
      expect(await opened.store.findBinding({ corpId: CORP_A, dingUserId: REUSED })).toMatchObject({
        userId: bFirst.userId,
      })
      await expectVacated(a.unionId, first.userId)
    },
  )
})

describe("creating the new holder's binding races with the stale one", () => {
  it('vacates again and creates it when the first vacating missed the holder', async () => {
    emu.reset()
    const memory = createMemoryBindingStore()
    // Once armed, look-ups by userid are counted: the login's own (DDInnerAuthSvc, which sees A's binding under
    // another unionId and looks on by unionId), then the vacating's, which misses the holder, as if it had taken
    // the userid just after the read. The create then meets the holder, and the second try vacates it.
    let userIdLookUps: number | null = null
    let creates = 0
    const store: typeof memory = {
      ...memory,
      findBinding(key) {
        if (userIdLookUps !== null && 'dingUserId' in key && ++userIdLookUps === 2) return null
        return memory.findBinding(key)
      },
      createBinding(binding, user) {
        creates++
        return memory.createBinding(binding, user)
      },
    }
    const auth = await createTestAuth(emu, { clientIds: [APP_A], store })
    try {
      hireA()
      const first = await workbenchLogin(auth, REUSED)
      emu.leave({ corpId: CORP_A, userid: REUSED })
      const b = hireB()
      userIdLookUps = 0
      creates = 0
      const other = await workbenchLogin(auth, REUSED)
      expect(other).toMatchObject({ isNewUser: true, binding: { unionId: b.unionId, dingUserId: REUSED } })
      expect(other.userId).not.toBe(first.userId)
      // The first create met the holder the vacating missed; the second came after vacating it.
      expect(userIdLookUps).toBe(3)
      expect(creates).toBe(2)
    } finally {
      await auth.close()
    }
  })

  it("refuses the login rather than give the other person's binding, when the store cannot vacate it", async () => {
    emu.reset()
    const { updateBindingUserId: _left_out, ...store } = createMemoryBindingStore()
    const logger = createRecordingLogger()
    const auth = await createTestAuth(emu, { clientIds: [APP_A], store, logger })
    try {
      hireA()
      await workbenchLogin(auth, REUSED)
      emu.leave({ corpId: CORP_A, userid: REUSED })
      hireB()
      await expect(workbenchLogin(auth, REUSED)).rejects.toMatchObject({ code: 'server_error' })
      expect(logger.lines.some((line) => line.startsWith('warn') && line.includes('implement it'))).toBe(true)
    } finally {
      await auth.close()
    }
  })
})

describe('sessions of a binding whose userid was handed on', () => {
  it('ends them: the first holder left, which is when DingTalk hands a userid on', async () => {
    emu.reset()
    const auth = await createTestAuth(emu, {
      clientIds: [APP_A],
      session: { secret: 'reused-userid-test-secret-of-at-least-32-bytes' },
    })
    const login = (userid: string) => workbenchSessionLogin(emu, auth, userid)
    const sessionOf = (token: string) =>
      auth.getSession(
        new Request('http://127.0.0.1:3000/', { headers: { authorization: `Bearer ${token}` } }),
      )
    try {
      const a = hireA()
      const first = await login(REUSED)
      expect(await sessionOf(first.token)).toMatchObject({ user: { id: first.userId } })
      emu.leave({ corpId: CORP_A, userid: REUSED })
      hireB()
      const other = await login(REUSED)
      expect(other.userId).not.toBe(first.userId)
      expect(await sessionOf(other.token)).toMatchObject({ user: { id: other.userId } })
      expect(await sessionOf(first.token)).toBeNull()
      // Revoked, not only hidden: every check refuses it, and the session index lists none of A's.
      expect(await auth.sessions.verify(first.token)).toBeNull()
      expect(await auth.sessions.list({ userId: first.userId })).toEqual([])
      expect(await auth.sessions.verify(other.token)).toMatchObject({ userId: other.userId })

      // A back under a new userid: the same local user, a new session; the old token stays refused.
      emu.hire({ corpId: CORP_A, unionId: a.unionId, userid: A_BACK, name: '张三', deptIds: [10] })
      const back = await login(A_BACK)
      expect(back.userId).toBe(first.userId)
      expect(await sessionOf(back.token)).toMatchObject({ user: { id: first.userId } })
      expect(await sessionOf(first.token)).toBeNull()
      expect(await auth.sessions.verify(first.token)).toBeNull()
      expect(await auth.sessions.list({ userId: first.userId })).toHaveLength(1)
    } finally {
      await auth.close()
    }
  })
})
