import { DD_INNER_AUTH_SVC } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  APP_A,
  APP_A_NO_CONTACT,
  APP_B,
  CORP_A,
  CORP_B,
  EP,
  LI_NA,
  MA_CHAO,
  ZHANG_WEI,
  ZHAO_MIN,
  ZHOU_JIE,
  advanceEmulatorClock,
  calls,
  markCalls,
  createTestAuth,
  expectAuthError,
  mintFreeLoginCode,
  mintOAuthCode,
  startTestEmulator,
} from './support/emulator'
import type { RunningEmulator } from './support/emulator'

let emu: RunningEmulator
const auths: DingTalkAuth[] = []

async function auth(options: Parameters<typeof createTestAuth>[1] = {}): Promise<DingTalkAuth> {
  const created = await createTestAuth(emu, options)
  auths.push(created)
  return created
}

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
})
beforeEach(() => {
  emu.reset()
})
afterEach(async () => {
  await Promise.all(auths.splice(0).map((a) => a.close()))
})

describe('element API', () => {
  it('keeps the original element names', async () => {
    const a = await auth()
    const [first] = a.instances
    const el = a.getElement(`auths.loginTypes.${first!.name}`)
    expect(el).toBe(first)
    expect(el?.fullName).toMatch(/^auths\.loginTypes\./)
    expect(el?.authType).toBe('auths.loginTypes.DDInnerType')
    expect(el?.authModelElemName).toBe('auths.loginTypes.DDInnerType.models.DDInnerAuthModel')
    expect(el?.getLoginConfig()).toEqual({ appKey: APP_A })
    expect(el?.getClient().appKey).toBe(APP_A)
    expect(el?.authConfig.corpId).toBe(CORP_A)
    expect(el?.authConfig.appSecret).toHaveLength(64)
    // The secret is readable on the server but never serialised or listed.
    expect(JSON.stringify(el)).not.toContain(el!.authConfig.appSecret)
    expect(JSON.stringify(el!.authConfig)).not.toContain(el!.authConfig.appSecret)
    expect(Object.keys(el!.authConfig)).not.toContain('appSecret')
    const svc = a.getElement(DD_INNER_AUTH_SVC)
    expect(svc).toBe(a.service)
    expect(svc.getAuthByCorpId(CORP_B)?.getLoginConfig()).toEqual({ appKey: APP_B })
    expect(svc.getAuthByCorpId('dingunknown')).toBeNull()
    expect(a.getElement('auths.loginTypes.nope')).toBeNull()
  })
})

describe('QR login', () => {
  it('first login: code → user token → me → getbyunionid → user/get, a new bound local user', async () => {
    const a = await auth()
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const result = await a.service.loginByQrCode({ code, platform: 'web', corpId: CORP_A })
    expect(result).toEqual({
      userId: expect.any(String),
      isNewUser: true,
      instance: a.instances[0]!.name,
      binding: {
        corpId: CORP_A,
        dingUserId: ZHANG_WEI.userid,
        unionId: ZHANG_WEI.unionId,
        jobNumber: 'YQ0001',
        phone: ZHANG_WEI.mobile,
        email: 'zhangwei@yunqi.example',
        hiredDate: 1_420_070_400_000,
        photo: expect.stringContaining('ZhangWei'),
      },
      user: { id: result.userId, name: '张伟', avatar: expect.stringContaining('ZhangWei') },
    })
    expect(calls(emu)).toEqual({
      [EP.userToken]: 1,
      [EP.me]: 1,
      [EP.appToken]: 1,
      [EP.byUnionId]: 1,
      [EP.userGet]: 1,
    })
    const stored = await a.store.findBinding({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
    expect(stored?.userId).toBe(result.userId)
    expect(JSON.parse(stored!.rawProfile!).detail.title).toBe('技术总监')
    expect(await a.store.findUser(result.userId)).toMatchObject({ name: '张伟' })
  })

  it('repeat login with a fresh profile and the corpid scope: exactly two DingTalk calls, same user', async () => {
    const a = await auth({ profileMaxAgeMs: 3_600_000 })
    const scope = 'openid corpid'
    const first = await a.service.loginByQrCode({
      code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid, scope }),
      corpId: CORP_A,
    })
    const mark = markCalls(emu)
    const again = await a.service.loginByQrCode({
      code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid, scope }),
      corpId: CORP_A,
    })
    expect(again.userId).toBe(first.userId)
    expect(again.isNewUser).toBe(false)
    expect(again.binding).toEqual(first.binding)
    expect(calls(emu, mark)).toEqual({ [EP.userToken]: 1, [EP.me]: 1 })
  })

  it('a former member is refused on a repeat login with a fresh profile and no corpid scope (defect 2)', async () => {
    const a = await auth({ profileMaxAgeMs: 3_600_000 })
    const login = async () =>
      a.service.loginByQrCode({
        code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid, scope: 'openid' }),
        corpId: CORP_A,
      })
    await login()
    const mark = markCalls(emu)
    await login()
    // Only the profile is cached: the membership is asked on every login without the corpid scope.
    expect(calls(emu, mark)).toEqual({ [EP.userToken]: 1, [EP.me]: 1, [EP.byUnionId]: 1 })
    // The person leaves corp A: the same DingTalk (same apps) without their membership answers from now on.
    const fixture = structuredClone(emu.fixture)
    const person = fixture.users.find((u) => u.unionId === ZHANG_WEI.unionId)!
    person.memberships = person.memberships.filter((m) => m.corpId !== CORP_A)
    const afterLeave = await startTestEmulator({ fixture })
    try {
      const sameStore = await createTestAuth(afterLeave, { profileMaxAgeMs: 3_600_000, store: a.store })
      auths.push(sameStore)
      const code = await mintOAuthCode(afterLeave, {
        clientId: APP_A,
        unionId: ZHANG_WEI.unionId,
        scope: 'openid',
      })
      const error = await expectAuthError(sameStore.service.loginByQrCode({ code, corpId: CORP_A }))
      expect(error.code).toBe('not_corp_member')
    } finally {
      await afterLeave.close()
    }
  })

  it('repeat login by default refreshes the profile but skips the unionId lookup (corpid scope)', async () => {
    const a = await auth()
    const scope = 'openid corpid'
    const first = await a.service.loginByQrCode({
      code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid, scope }),
      corpId: CORP_A,
    })
    const mark = markCalls(emu)
    const again = await a.service.loginByQrCode({
      code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid, scope }),
      corpId: CORP_A,
    })
    expect(again.userId).toBe(first.userId)
    expect(calls(emu, mark)).toEqual({ [EP.userToken]: 1, [EP.me]: 1, [EP.userGet]: 1 })
  })

  it('refreshes a profile once it is older than profileMaxAgeMs', async () => {
    let now = 1_700_000_000_000
    const a = await auth({ profileMaxAgeMs: 60_000, now: () => now })
    const login = async () =>
      a.service.loginByQrCode({
        code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid }),
        corpId: CORP_A,
      })
    await login()
    now += 59_000
    let mark = markCalls(emu)
    await login()
    expect(calls(emu, mark)[EP.userGet]).toBeUndefined()
    now += 2_000
    mark = markCalls(emu)
    await login()
    expect(calls(emu, mark)[EP.userGet]).toBe(1)
    expect((await a.store.findBinding({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }))?.updateTime).toBe(now)
  })

  it('picks the instance by corpId or name, and needs one when there are several', async () => {
    const a = await auth()
    const code = await mintOAuthCode(emu, { clientId: APP_B, userid: ZHAO_MIN.userid })
    const byName = await a.service.loginByQrCode({ code, instance: a.instances[1]!.name })
    expect(byName.binding.corpId).toBe(CORP_B)
    const noHint = await expectAuthError(a.service.loginByQrCode({ code: 'abc' }))
    expect(noHint).toMatchObject({ code: 'invalid_request', status: 400, field: 'corpId' })
    const unknown = await expectAuthError(a.service.loginByQrCode({ code: 'abc', corpId: 'dingunknown' }))
    expect(unknown).toMatchObject({ code: 'unknown_corp', status: 404 })
    expect(calls(emu)[EP.userToken]).toBe(1)
  })

  it('a single instance needs no hint', async () => {
    const a = await auth({ clientIds: [APP_B] })
    const code = await mintOAuthCode(emu, { clientId: APP_B, userid: ZHAO_MIN.userid })
    expect((await a.service.loginByQrCode({ code, platform: 'mobile' })).binding.dingUserId).toBe(
      ZHAO_MIN.userid,
    )
  })

  it('a person of corp A cannot log into corp B: not_corp_member (60121)', async () => {
    const a = await auth()
    const code = await mintOAuthCode(emu, { clientId: APP_B, unionId: ZHANG_WEI.unionId })
    const error = await expectAuthError(a.service.loginByQrCode({ code, corpId: CORP_B }))
    expect(error).toMatchObject({ code: 'not_corp_member', status: 403 })
    expect(error.requestId).toMatch(/^[a-z0-9]{13}$/)
    expect(error.message).not.toMatch(/找不到/)
    expect(await a.store.findBinding({ corpId: CORP_B, unionId: ZHANG_WEI.unionId })).toBeNull()
  })

  it('the corp chosen at login must be the instance corp: corp_mismatch', async () => {
    const a = await auth()
    // 李娜 is in both corps and picks corp A on corp B's app.
    const code = await mintOAuthCode(emu, {
      clientId: APP_B,
      unionId: LI_NA.unionId,
      scope: 'openid corpid',
      corpId: CORP_A,
    })
    const error = await expectAuthError(a.service.loginByQrCode({ code, corpId: CORP_B }))
    expect(error).toMatchObject({ code: 'corp_mismatch', status: 403 })
    expect(calls(emu)).toEqual({ [EP.userToken]: 1 })
  })

  it('a person in both corps gets one binding per corp, with the corp-specific userid', async () => {
    const a = await auth()
    const inA = await a.service.loginByQrCode({
      code: await mintOAuthCode(emu, {
        clientId: APP_A,
        unionId: LI_NA.unionId,
        scope: 'openid corpid',
        corpId: CORP_A,
      }),
      corpId: CORP_A,
    })
    const inB = await a.service.loginByQrCode({
      code: await mintOAuthCode(emu, {
        clientId: APP_B,
        unionId: LI_NA.unionId,
        scope: 'openid corpid',
        corpId: CORP_B,
      }),
      corpId: CORP_B,
    })
    expect(inA.binding.dingUserId).toBe(LI_NA.useridA)
    expect(inB.binding.dingUserId).toBe(LI_NA.useridB)
    expect(inA.binding.email).toBe('lina@yunqi.example')
    expect(inB.binding.email).toBe('lina@xinghe.example')
    // No automatic linking across corps: two local users.
    expect(inA.userId).not.toBe(inB.userId)
  })

  it('a person in no corp, and an external contact, are not members', async () => {
    const a = await auth()
    const nobody = await expectAuthError(
      a.service.loginByQrCode({
        code: await mintOAuthCode(emu, { clientId: APP_A, unionId: MA_CHAO.unionId }),
        corpId: CORP_A,
      }),
    )
    expect(nobody.code).toBe('not_corp_member')
    const external = await expectAuthError(
      a.service.loginByQrCode({
        code: await mintOAuthCode(emu, { clientId: APP_B, unionId: ZHOU_JIE.unionId }),
        corpId: CORP_B,
      }),
    )
    expect(external.code).toBe('not_corp_member')
    expect(calls(emu)[EP.userGet]).toBeUndefined()
  })

  it('a replayed code is code_invalid, and is not retried', async () => {
    const a = await auth()
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    await a.service.loginByQrCode({ code, corpId: CORP_A })
    const error = await expectAuthError(a.service.loginByQrCode({ code, corpId: CORP_A }))
    expect(error).toMatchObject({ code: 'code_invalid', status: 401 })
    expect(error.requestId).toMatch(/^[0-9A-F-]{36}$/)
    expect(calls(emu)[EP.userToken]).toBe(2)
  })

  it('an expired code (emulator clock) is code_invalid', async () => {
    const a = await auth()
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    await advanceEmulatorClock(emu, 301_000)
    expect((await expectAuthError(a.service.loginByQrCode({ code, corpId: CORP_A }))).code).toBe(
      'code_invalid',
    )
  })

  it('a free-login code sent as a QR code is code_invalid, not a crash', async () => {
    const a = await auth()
    const code = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid })
    expect((await expectAuthError(a.service.loginByQrCode({ code, corpId: CORP_A }))).code).toBe(
      'code_invalid',
    )
  })

  it('an app without Contact.User.Read: permission_denied naming the scope', async () => {
    const a = await auth({ clientIds: [APP_A_NO_CONTACT] })
    const code = await mintOAuthCode(emu, { clientId: APP_A_NO_CONTACT, userid: ZHANG_WEI.userid })
    const error = await expectAuthError(a.service.loginByQrCode({ code }))
    expect(error).toMatchObject({
      code: 'permission_denied',
      status: 403,
      missingScopes: ['Contact.User.Read'],
    })
    expect(error.toJSON('zh-CN').error).toMatchObject({
      code: 'permission_denied',
      missingScopes: ['Contact.User.Read'],
    })
    expect(error.toJSON().error.message).not.toMatch(/没有调用该接口的权限/)
  })

  it('rejects malformed input as invalid_request naming the field', async () => {
    const a = await auth()
    const svc = a.service
    expect(await expectAuthError(svc.loginByQrCode({ code: '', corpId: CORP_A }))).toMatchObject({
      code: 'invalid_request',
      field: 'code',
    })
    expect(await expectAuthError(svc.loginByQrCode({ code: 'x'.repeat(600), corpId: CORP_A }))).toMatchObject(
      {
        field: 'code',
      },
    )
    expect(
      await expectAuthError(svc.loginByQrCode({ code: 'abc', corpId: CORP_A, platform: '<script>' })),
    ).toMatchObject({ field: 'platform' })
    expect(
      await expectAuthError(svc.loginByWorkbench({ corpId: 42 as unknown as string, authCode: 'abc' })),
    ).toMatchObject({ field: 'corpId' })
    expect(emu.stats().total).toBe(0)
  })
})

describe('workbench login', () => {
  it('first login: cached app token → getuserinfo → user/get, bound', async () => {
    const a = await auth()
    const authCode = await mintFreeLoginCode(emu, {
      corpId: CORP_B,
      userid: ZHAO_MIN.userid,
      clientId: APP_B,
    })
    const result = await a.service.loginByWorkbench({ corpId: CORP_B, authCode, platform: 'ios' })
    expect(result).toMatchObject({
      isNewUser: true,
      binding: {
        corpId: CORP_B,
        dingUserId: ZHAO_MIN.userid,
        unionId: ZHAO_MIN.unionId,
        jobNumber: 'XH0001',
      },
      user: { name: '赵敏' },
    })
    // A first login asks the contact type: external contacts are no members.
    expect(calls(emu)).toEqual({
      [EP.appToken]: 1,
      [EP.getUserInfo]: 1,
      [EP.byUnionId]: 1,
      [EP.userGet]: 1,
    })
  })

  it('refuses an external contact with not_corp_member, in the workbench and then by QR (defect 1)', async () => {
    const a = await auth({ profileMaxAgeMs: Number.POSITIVE_INFINITY })
    const authCode = await mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHOU_JIE.userid })
    const error = await expectAuthError(a.service.loginByWorkbench({ corpId: CORP_B, authCode }))
    expect(error.code).toBe('not_corp_member')
    expect(await a.store.findBinding({ corpId: CORP_B, unionId: ZHOU_JIE.unionId })).toBeNull()
    const qr = await expectAuthError(
      a.service.loginByQrCode({
        code: await mintOAuthCode(emu, {
          clientId: APP_B,
          userid: ZHOU_JIE.userid,
          corpId: CORP_B,
          scope: 'openid corpid',
        }),
        corpId: CORP_B,
      }),
    )
    expect(qr.code).toBe('not_corp_member')
  })

  it('keeps the seed positional form: loginByWorkbench(corpId, authCode, platform)', async () => {
    const a = await auth()
    const authCode = await mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHAO_MIN.userid })
    const result = await a.service.loginByWorkbench(CORP_B, authCode, 'ios')
    expect(result.binding.dingUserId).toBe(ZHAO_MIN.userid)
  })

  it('repeat login with profile refresh off: one DingTalk call', async () => {
    const a = await auth({ profileMaxAgeMs: Number.POSITIVE_INFINITY })
    const login = async () =>
      a.service.loginByWorkbench({
        corpId: CORP_B,
        authCode: await mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHAO_MIN.userid }),
        platform: 'android',
      })
    const first = await login()
    const mark = markCalls(emu)
    const again = await login()
    expect(again.userId).toBe(first.userId)
    expect(again.isNewUser).toBe(false)
    expect(calls(emu, mark)).toEqual({ [EP.getUserInfo]: 1 })
  })

  it('repeat login by default: getuserinfo + user/get', async () => {
    const a = await auth()
    const login = async () =>
      a.service.loginByWorkbench({
        corpId: CORP_B,
        authCode: await mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHAO_MIN.userid }),
      })
    await login()
    const mark = markCalls(emu)
    await login()
    expect(calls(emu, mark)).toEqual({ [EP.getUserInfo]: 1, [EP.userGet]: 1 })
  })

  it('QR then workbench for one person: the same binding and local user', async () => {
    const a = await auth()
    const qr = await a.service.loginByQrCode({
      code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid }),
      corpId: CORP_A,
    })
    const wb = await a.service.loginByWorkbench({
      corpId: CORP_A,
      authCode: await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid }),
    })
    expect(wb.userId).toBe(qr.userId)
    expect(wb.isNewUser).toBe(false)
  })

  it('an OAuth code sent as a free-login code is code_invalid (40078)', async () => {
    const a = await auth()
    const authCode = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const error = await expectAuthError(a.service.loginByWorkbench({ corpId: CORP_A, authCode }))
    expect(error).toMatchObject({ code: 'code_invalid', status: 401 })
    expect(error.cause).toMatchObject({ errcode: 40078 })
  })

  it('replayed, expired and foreign-corp codes are code_invalid', async () => {
    const a = await auth()
    const used = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid })
    await a.service.loginByWorkbench({ corpId: CORP_A, authCode: used })
    expect((await expectAuthError(a.service.loginByWorkbench({ corpId: CORP_A, authCode: used }))).code).toBe(
      'code_invalid',
    )
    const expired = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid })
    await advanceEmulatorClock(emu, 301_000)
    expect(
      (await expectAuthError(a.service.loginByWorkbench({ corpId: CORP_A, authCode: expired }))).code,
    ).toBe('code_invalid')
    // A code of corp A presented to corp B's instance.
    const foreign = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: LI_NA.useridA })
    expect(
      (await expectAuthError(a.service.loginByWorkbench({ corpId: CORP_B, authCode: foreign }))).code,
    ).toBe('code_invalid')
    expect(await a.store.findBinding({ corpId: CORP_B, unionId: LI_NA.unionId })).toBeNull()
  })

  it('an unknown corp is unknown_corp without any DingTalk call', async () => {
    const a = await auth()
    const error = await expectAuthError(
      a.service.loginByWorkbench({ corpId: 'dingnotconfigured', authCode: 'abc' }),
    )
    expect(error).toMatchObject({ code: 'unknown_corp', status: 404 })
    expect(emu.stats().total).toBe(0)
  })
})

describe('binding policy', () => {
  it("onUnbound 'reject': user_not_bound, nothing written", async () => {
    const a = await auth({ onUnbound: 'reject' })
    const error = await expectAuthError(
      a.service.loginByWorkbench({
        corpId: CORP_A,
        authCode: await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid }),
      }),
    )
    expect(error).toMatchObject({ code: 'user_not_bound', status: 403 })
    expect(await a.store.findBinding({ corpId: CORP_A, dingUserId: ZHANG_WEI.userid })).toBeNull()
  })

  it('resolveUser maps the person to the app user system; null falls back to onUnbound', async () => {
    const seen: string[] = []
    const a = await auth({
      onUnbound: 'reject',
      resolveUser: (person) => {
        seen.push(`${person.flow}:${person.corpId}:${person.userid}:${person.jobNumber}`)
        return person.jobNumber === 'YQ0001' ? { id: 'app-user-42', isNew: false } : null
      },
    })
    const ok = await a.service.loginByWorkbench({
      corpId: CORP_A,
      authCode: await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid }),
    })
    expect(ok).toMatchObject({
      userId: 'app-user-42',
      isNewUser: false,
      user: { id: 'app-user-42', name: '张伟' },
    })
    expect(await a.store.findUser('app-user-42')).toBeNull()
    const rejected = await expectAuthError(
      a.service.loginByWorkbench({
        corpId: CORP_A,
        authCode: await mintFreeLoginCode(emu, { corpId: CORP_A, userid: LI_NA.useridA }),
      }),
    )
    expect(rejected.code).toBe('user_not_bound')
    expect(seen).toEqual([
      `workbench:${CORP_A}:${ZHANG_WEI.userid}:YQ0001`,
      `workbench:${CORP_A}:${LI_NA.useridA}:YQ0003`,
    ])
    // Bound now: the hook is not asked again.
    await a.service.loginByWorkbench({
      corpId: CORP_A,
      authCode: await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid }),
    })
    expect(seen).toHaveLength(2)
  })
})

describe('logs', () => {
  it('never carry a code, token, secret or phone number', async () => {
    const logger = (await import('./support/emulator')).createRecordingLogger()
    const a = await auth({ logger })
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    await a.service.loginByQrCode({ code, corpId: CORP_A })
    await expectAuthError(a.service.loginByQrCode({ code, corpId: CORP_A }))
    const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid })
    await a.service.loginByWorkbench({ corpId: CORP_A, authCode })
    await expectAuthError(a.service.loginByWorkbench({ corpId: CORP_A, authCode }))
    const text = logger.lines.join('\n')
    expect(logger.lines.length).toBeGreaterThanOrEqual(4)
    expect(text).toContain('code_invalid')
    for (const secret of [code, authCode, a.instances[0]!.authConfig.appSecret, ZHANG_WEI.mobile]) {
      expect(text).not.toContain(secret)
    }
  })
})
