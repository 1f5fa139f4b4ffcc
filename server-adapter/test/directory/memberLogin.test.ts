import type { DingTalkAuth, DingTalkAuthOptions, DirectoryPersonEvent } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bindingStoreBackends } from '../support/bindingStores'
import type { StoreUnderTest } from '../support/bindingStores'
import {
  APP_A,
  CORP_A,
  MA_CHAO,
  ZHANG_WEI,
  createTestAuth,
  mintOAuthCode,
  startTestEmulator,
  sessionStatus,
  workbenchSessionLogin,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { until } from '../support/until'

// DingTalk gives login codes to members only: a login proves the person is in the corp at that moment, whatever the
// directory recorded. A person recorded as left who logs in is back, so their next leave is a new one; a person who
// logs in while a crawl runs is no leaver for missing from it.

const { backends, removeFiles } = bindingStoreBackends('member-login')
const SECRET = 'member-login-test-session-secret-32-bytes+'
// Apart by more than DingTalk's one-second precision of leave times.
const STEP_MS = 10_000

let emu: RunningEmulator

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
  removeFiles()
})

const zhangWei = async (auth: DingTalkAuth) =>
  (await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }))?.person

/** Zhang Wei logs in, leaves, is recorded as left by a sync (his session ends) and is hired again. */
async function leaveAndRehire(
  on: RunningEmulator,
  auth: DingTalkAuth,
): Promise<{ userId: string; token: string }> {
  await auth.directory.sync()
  const first = await workbenchSessionLogin(on, auth, ZHANG_WEI.userid)
  on.clock.advance(STEP_MS)
  on.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
  on.clock.advance(STEP_MS)
  expect((await auth.directory.sync()).people.left).toBe(1)
  expect(await sessionStatus(auth, first.token)).toBe(401)
  on.clock.advance(STEP_MS)
  on.hire({
    corpId: CORP_A,
    unionId: ZHANG_WEI.unionId,
    userid: ZHANG_WEI.userid,
    name: '张伟',
    deptIds: [10],
  })
  return first
}

/** {@link leaveAndRehire}, then he logs in again (workbench). */
async function leaveAndComeBack(
  on: RunningEmulator,
  auth: DingTalkAuth,
): Promise<{ first: { userId: string; token: string }; second: { userId: string; token: string } }> {
  const first = await leaveAndRehire(on, auth)
  const second = await workbenchSessionLogin(on, auth, ZHANG_WEI.userid)
  on.clock.advance(STEP_MS)
  return { first, second }
}

describe.each(backends)('the directory and logins ($name)', ({ open, skip }) => {
  let opened: StoreUnderTest
  let auth: DingTalkAuth | undefined
  const hooks: { kind: string; event: DirectoryPersonEvent }[] = []

  beforeEach(async () => {
    if (skip) return
    emu.reset()
    hooks.length = 0
    opened = await open()
  })
  afterEach(async () => {
    if (skip) return
    await auth?.close()
    auth = undefined
    await opened.cleanup()
  })

  function start(overrides: Partial<DingTalkAuthOptions> = {}): Promise<DingTalkAuth> {
    return createTestAuth(emu, {
      clientIds: [APP_A],
      store: opened.store,
      now: () => emu.clock.now(),
      session: { secret: SECRET },
      ...overrides,
      directory: {
        events: 'none',
        fullSyncEvery: false,
        leaveRecordsEvery: false,
        onPersonJoined: (event) => void hooks.push({ kind: 'joined', event }),
        onPersonLeft: (event) => void hooks.push({ kind: 'left', event }),
      },
    })
  }

  it.skipIf(skip)(
    'a person recorded as left who comes back and logs in is active again; the crawl that misses them next ends that session',
    async () => {
      auth = await start()
      const { first, second } = await leaveAndComeBack(emu, auth)
      expect(second.userId).toBe(first.userId)
      expect(await zhangWei(auth)).toMatchObject({ state: 'active', leftAt: null })
      const his = () => hooks.filter((hook) => hook.event.person.unionId === ZHANG_WEI.unionId)
      expect(his().map((hook) => [hook.kind, hook.event.source])).toEqual([
        ['joined', 'crawl'],
        ['left', 'crawl'],
        ['joined', 'login'],
      ])

      emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
      emu.clock.advance(STEP_MS)
      const report = await auth.directory.sync()
      expect(report.people).toMatchObject({ left: 1, rehired: 0 })
      expect(await sessionStatus(auth, second.token)).toBe(401)
      expect(await zhangWei(auth)).toMatchObject({ state: 'left' })
      expect(his().map((hook) => hook.kind)).toEqual(['joined', 'left', 'joined', 'left'])
    },
  )

  it.skipIf(skip)('a QR login of a person recorded as left marks them active again too', async () => {
    auth = await start()
    await leaveAndRehire(emu, auth)
    const code = await mintOAuthCode(emu, {
      clientId: APP_A,
      unionId: ZHANG_WEI.unionId,
      scope: 'openid corpid',
      corpId: CORP_A,
    })
    await auth.service.loginByQrCode({ code, platform: 'web' })
    expect(await zhangWei(auth)).toMatchObject({ state: 'active', leftAt: null })
    expect(hooks.at(-1)).toMatchObject({ kind: 'joined', event: { source: 'login' } })
  })

  it.skipIf(skip)(
    'a person who joins and logs in while a crawl runs, after their department was read, keeps their session',
    async () => {
      let armed = true
      let joined: { userId: string; token: string } | undefined
      // Holds one department's people list back until the new hire is in that department and logged in.
      const pausing: typeof fetch = async (input, init) => {
        const response = await fetch(input, init)
        if (armed && String(input).includes('/topapi/v2/user/list')) {
          armed = false
          const deptId = (JSON.parse(String(init!.body)) as { dept_id: number }).dept_id
          emu.hire({
            corpId: CORP_A,
            unionId: MA_CHAO.unionId,
            userid: 'machao',
            name: '马超',
            deptIds: [deptId],
          })
          joined = await workbenchSessionLogin(emu, auth!, 'machao')
        }
        return response
      }
      auth = await start({ fetch: pausing })

      const report = await auth.directory.sync()
      expect(report.complete).toBe(true)
      expect(report.people.left).toBe(0)
      expect(await sessionStatus(auth, joined!.token)).toBe(200)
      const found = await auth.directory.findPerson({ corpId: CORP_A, unionId: MA_CHAO.unionId })
      expect(found?.person ?? null).toBeNull()
      expect(hooks.filter((hook) => hook.kind === 'left')).toEqual([])

      // The next crawl finds them.
      expect((await auth.directory.sync()).people).toMatchObject({ added: 1, left: 0 })
      expect(await sessionStatus(auth, joined!.token)).toBe(200)
    },
  )
})

describe('the second leave of a person who came back and logged in, told by DingTalk', () => {
  let own: RunningEmulator | undefined
  let auth: DingTalkAuth | undefined

  afterEach(async () => {
    await auth?.close()
    await own?.close()
    auth = own = undefined
  })

  it('a leave event ends the session the comeback opened', async () => {
    // Events published while no connection is open are lost: nothing tells the directory of the comeback.
    own = await startTestEmulator({ stream: { offlineEvents: 'drop' } })
    const on = own
    auth = await createTestAuth(on, {
      clientIds: [APP_A],
      now: () => on.clock.now(),
      session: { secret: SECRET },
      directory: {
        events: 'stream',
        fullSyncEvery: false,
        leaveRecordsEvery: false,
        stream: { heartbeatEvery: '100ms', reconnectMin: '10ms', reconnectMax: '40ms' },
      },
    })
    const current = auth
    const { second } = await leaveAndComeBack(on, current)
    await current.directory.start()
    expect(await until(() => current.directory.status()[0]!.streamConnected)).toBe(true)

    on.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    await until(async () => (await sessionStatus(current, second.token)) === 401)
    expect(await sessionStatus(current, second.token)).toBe(401)
    expect(await zhangWei(current)).toMatchObject({ state: 'left' })
  })

  it("a leave record ends the session the comeback opened; the first leave's record changes nothing", async () => {
    own = await startTestEmulator()
    const on = own
    auth = await createTestAuth(on, {
      clientIds: [APP_A],
      now: () => on.clock.now(),
      session: { secret: SECRET },
      directory: { events: 'none', fullSyncEvery: false, leaveRecordsEvery: '1h' },
    })
    const current = auth
    const { second } = await leaveAndComeBack(on, current)
    const { leaveTime } = on.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    on.clock.advance(STEP_MS)

    // The first read of the leave records: both of his leaves.
    await current.directory.start()
    await until(async () => (await sessionStatus(current, second.token)) === 401)
    expect(await sessionStatus(current, second.token)).toBe(401)
    const person = await zhangWei(current)
    expect(person).toMatchObject({ state: 'left' })
    expect(Math.abs(person!.leftAt! - leaveTime)).toBeLessThan(1_000)
  })
})
