import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  APP_A,
  CORP_A,
  CORP_B,
  EP,
  ZHANG_WEI,
  ZHAO_MIN,
  addFault,
  advanceEmulatorClock,
  calls,
  createTestAuth,
  expectAuthError,
  markCalls,
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

const qrLogin = async (a: DingTalkAuth) =>
  a.service.loginByQrCode({
    code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid }),
    corpId: CORP_A,
  })
const workbenchLogin = async (a: DingTalkAuth, userid = ZHAO_MIN.userid, corpId = CORP_B) =>
  a.service.loginByWorkbench({ corpId, authCode: await mintFreeLoginCode(emu, { corpId, userid }) })

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

describe('throttling and busy answers', () => {
  it('retries an idempotent lookup throttled once (oapi 90002) and succeeds', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.byUnionId, kind: 'throttle', count: 1 })
    const result = await qrLogin(a)
    expect(result.binding.dingUserId).toBe(ZHANG_WEI.userid)
    expect(calls(emu)[EP.byUnionId]).toBe(2)
  })

  it('retries users/me throttled by v1.0 (403 QpsLimitForApi) and the busy -1 of user/get', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.me, kind: 'throttle', count: 1 })
    await addFault(emu, { endpoint: EP.userGet, kind: 'busy', count: 2 })
    await qrLogin(a)
    expect(calls(emu)[EP.me]).toBe(2)
    expect(calls(emu)[EP.userGet]).toBe(3)
  })

  it('gives up after the retry budget: rate_limited (429) with the request id', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.userGet, kind: 'throttle' })
    const error = await expectAuthError(workbenchLogin(a))
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 })
    expect(error.requestId).toBeTruthy()
    expect(calls(emu)[EP.userGet]).toBe(3)
  })

  it('never retries a code exchange: a throttled userAccessToken is one call', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.userToken, kind: 'throttle', count: 1 })
    expect((await expectAuthError(qrLogin(a))).code).toBe('rate_limited')
    expect(calls(emu)[EP.userToken]).toBe(1)
  })

  it('never retries getuserinfo: a busy answer is one call and upstream_unavailable', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.getUserInfo, kind: 'busy', count: 1 })
    expect((await expectAuthError(workbenchLogin(a))).code).toBe('upstream_unavailable')
    expect(calls(emu)[EP.getUserInfo]).toBe(1)
  })

  it('an IP ban (non-standard body) and an HTML page are rate_limited / upstream_error, never a crash', async () => {
    const a = await auth({ dingtalk: { retry: { retries: 0 } } })
    await addFault(emu, { endpoint: EP.userToken, kind: 'ipBan', count: 1 })
    expect((await expectAuthError(qrLogin(a))).code).toBe('rate_limited')
    await addFault(emu, { endpoint: EP.userToken, kind: 'html', count: 1 })
    expect((await expectAuthError(qrLogin(a))).code).toBe('upstream_error')
  })

  it("the organisation's monthly API quota used up (oapi 90020) is upstream_unavailable, asked once", async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.userGet, kind: 'quota' })
    const error = await expectAuthError(workbenchLogin(a))
    expect(error).toMatchObject({ code: 'upstream_unavailable', status: 503 })
    expect(error.message).toMatch(/90020.*monthly API quota/)
    expect(error.requestId).toBeTruthy()
    // Retrying cannot help before next month.
    expect(calls(emu)[EP.userGet]).toBe(1)
  })

  it('the monthly quota on v1.0 (403 ApiCountLimitForOrg) is upstream_unavailable too, asked once', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.me, kind: 'quota' })
    const error = await expectAuthError(qrLogin(a))
    expect(error).toMatchObject({ code: 'upstream_unavailable', status: 503 })
    expect(error.message).toMatch(/ApiCountLimitForOrg.*monthly API quota/)
    expect(calls(emu)[EP.me]).toBe(1)
  })

  it('an IP outside the whitelist is a config_error', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.getUserInfo, kind: 'ipWhitelist', count: 1 })
    expect((await expectAuthError(workbenchLogin(a))).code).toBe('config_error')
  })
})

describe('timeouts and dropped connections', () => {
  it('a hanging code exchange is upstream_timeout after the timeout, one call', async () => {
    const a = await auth({ dingtalk: { timeoutMs: 150 } })
    await addFault(emu, { endpoint: EP.userToken, kind: 'timeout', count: 1 })
    const started = Date.now()
    const error = await expectAuthError(qrLogin(a))
    expect(error).toMatchObject({ code: 'upstream_timeout', status: 504 })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(calls(emu)[EP.userToken]).toBe(1)
  })

  it('a timed-out lookup is retried and succeeds', async () => {
    const a = await auth({ dingtalk: { timeoutMs: 150 } })
    await addFault(emu, { endpoint: EP.me, kind: 'timeout', count: 1 })
    await qrLogin(a)
    expect(calls(emu)[EP.me]).toBe(2)
  })

  it('a dropped connection on the app-token fetch is retried', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.appToken, kind: 'drop', count: 1 })
    await workbenchLogin(a)
    expect(calls(emu)[EP.appToken]).toBe(2)
  })

  it('a dropped connection that persists is upstream_unavailable', async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.appToken, kind: 'drop' })
    expect((await expectAuthError(workbenchLogin(a))).code).toBe('upstream_unavailable')
    expect(calls(emu)[EP.appToken]).toBe(3)
  })

  it("the caller's AbortSignal aborts a login", async () => {
    const a = await auth()
    await addFault(emu, { endpoint: EP.userToken, latencyMs: 500, count: 1 })
    const controller = new AbortController()
    const pending = a.service.loginByQrCode({
      code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid }),
      corpId: CORP_A,
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(), 30)
    const error = await expectAuthError(pending)
    expect(error.code).toBe('server_error')
    expect((error.cause as Error).name).toBe('AbortError')
  })
})

describe('app token', () => {
  // These two count calls under a burst of logins. On a loaded machine a burst can keep a call past the tests'
  // 2 s timeout; a timed-out call is retried or fails the login, and its late arrival lands in the next test's
  // counts. They are about single-flight, not timeouts, so each call gets most of the 20 s a test may run.
  const burstTimeouts = { timeoutMs: 15_000 }

  it('500 concurrent workbench logins fetch the app token once', async () => {
    const a = await auth({ profileMaxAgeMs: Number.POSITIVE_INFINITY, dingtalk: burstTimeouts })
    const codes = await Promise.all(
      Array.from({ length: 500 }, () => mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHAO_MIN.userid })),
    )
    const results = await Promise.all(
      codes.map((authCode) => a.service.loginByWorkbench({ corpId: CORP_B, authCode })),
    )
    expect(new Set(results.map((r) => r.userId)).size).toBe(1)
    expect(results.filter((r) => r.isNewUser)).toHaveLength(1)
    expect(calls(emu)[EP.appToken]).toBe(1)
    expect(calls(emu)[EP.getUserInfo]).toBe(500)
  })

  it('expiry by the emulator clock: one refetch for many waiting logins, not one per login', async () => {
    const a = await auth({ profileMaxAgeMs: Number.POSITIVE_INFINITY, dingtalk: burstTimeouts })
    await workbenchLogin(a)
    expect(calls(emu)[EP.appToken]).toBe(1)
    // DingTalk's clock moves past the token lifetime; ours does not notice: the first answers say "invalid token".
    await advanceEmulatorClock(emu, 7_300_000)
    const mark = markCalls(emu)
    const codes = await Promise.all(
      Array.from({ length: 40 }, () => mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHAO_MIN.userid })),
    )
    const results = await Promise.all(
      codes.map((authCode) => a.service.loginByWorkbench({ corpId: CORP_B, authCode })),
    )
    expect(results).toHaveLength(40)
    const delta = calls(emu, mark)
    expect(delta[EP.appToken]).toBe(1)
    expect(delta[EP.getUserInfo]).toBe(80)
    // The new token serves the next logins without another fetch.
    const next = markCalls(emu)
    await workbenchLogin(a)
    expect(calls(emu, next)).toEqual({ [EP.getUserInfo]: 1 })
  })

  it('our own clock refreshes the token before DingTalk expires it', async () => {
    let now = 1_700_000_000_000
    const a = await auth({ now: () => now, profileMaxAgeMs: Number.POSITIVE_INFINITY })
    await workbenchLogin(a)
    now += 7_200_000 - 299_000 // inside the 5-minute margin
    const mark = markCalls(emu)
    await workbenchLogin(a)
    expect(calls(emu, mark)).toEqual({ [EP.appToken]: 1, [EP.getUserInfo]: 1 })
  })

  it('bad app credentials are a config_error, not a retry storm', async () => {
    const a = await auth({
      instances: [
        {
          name: 'wrong',
          authConfig: { appKey: APP_A, appSecret: 'x'.repeat(64), agentId: '3102938475', corpId: CORP_A },
        },
      ],
    })
    const error = await expectAuthError(workbenchLogin(a, ZHANG_WEI.userid, CORP_A))
    expect(error).toMatchObject({ code: 'config_error', status: 500 })
    expect(calls(emu)[EP.appToken]).toBe(1)
  })

  it('two instances keep two tokens', async () => {
    const a = await auth({ profileMaxAgeMs: Number.POSITIVE_INFINITY })
    await workbenchLogin(a)
    await workbenchLogin(a, ZHANG_WEI.userid, CORP_A)
    await workbenchLogin(a)
    await workbenchLogin(a, ZHANG_WEI.userid, CORP_A)
    expect(calls(emu)[EP.appToken]).toBe(2)
    expect(Object.keys(emu.stats().byApp)).toHaveLength(2)
  })
})
