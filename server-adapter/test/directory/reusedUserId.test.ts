import { createMemoryBindingStore, isVacatedUserId } from 'dingtalk-login-server'
import type { BindingStore, DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bindingStoreBackends } from '../support/bindingStores'
import type { StoreUnderTest } from '../support/bindingStores'
import {
  CORP_A,
  createTestAuth,
  mintFreeLoginCode,
  startTestEmulator,
  workbenchSessionLogin,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { until } from '../support/until'

// The directory learns who holds a userid from crawls and events: a custom userid (`zhangsan`) DingTalk handed to
// someone new after its holder left must not stay on the old binding, nor move the old binding to the new person.

const { backends, removeFiles } = bindingStoreBackends('reused-userid-dir')
const REUSED = 'zhangsan'

let emu: RunningEmulator

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
  removeFiles()
})

async function workbenchLogin(auth: DingTalkAuth, userid: string) {
  const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid })
  return auth.service.loginByWorkbench({ corpId: CORP_A, authCode })
}

const sessionLogin = (auth: DingTalkAuth, userid: string) => workbenchSessionLogin(emu, auth, userid)

const SESSION_SECRET = 'reused-userid-dir-test-secret-of-32-bytes++'

describe.each(backends)('a crawl that finds a userid handed to another person ($name)', ({ open, skip }) => {
  let opened: StoreUnderTest
  let store: BindingStore
  let auth: DingTalkAuth

  beforeEach(async () => {
    if (skip) return
    emu.reset()
    opened = await open()
    store = opened.store
    auth = await createTestAuth(emu, {
      store,
      session: { secret: SESSION_SECRET },
      // A leave alone ends no session here: what ends A's is the userid handed on.
      directory: { fullSyncEvery: false, leaveRecordsEvery: false, leavers: 'keep' },
    })
  })
  afterEach(async () => {
    if (skip) return
    await auth.close()
    await opened.cleanup()
  })

  it.skipIf(skip)(
    "vacates the old binding's userid; the new holder and the old one back each log in as themselves",
    async () => {
      const a = emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [10] })
      const first = await sessionLogin(auth, REUSED)
      await auth.directory.sync()
      emu.leave({ corpId: CORP_A, userid: REUSED })
      const b = emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [20] })
      await auth.directory.sync()
      // The crawl that vacated the userid revoked the binding's sessions (`leavers: 'keep'` kept them at the leave).
      expect(await auth.sessions.verify(first.token)).toBeNull()

      const stale = await store.findBinding({ corpId: CORP_A, unionId: a.unionId })
      expect(stale).toMatchObject({ userId: first.userId })
      expect(isVacatedUserId(stale!.thirdUserId)).toBe(true)
      expect(await store.findBinding({ corpId: CORP_A, dingUserId: REUSED })).toBeNull()
      const found = await auth.directory.findPerson({ corpId: CORP_A, dingUserId: REUSED })
      expect(found?.person).toMatchObject({ unionId: b.unionId, state: 'active' })
      expect(found?.binding).toBeNull()

      const other = await workbenchLogin(auth, REUSED)
      expect(other).toMatchObject({ isNewUser: true, binding: { unionId: b.unionId } })
      expect(other.userId).not.toBe(first.userId)

      emu.hire({ corpId: CORP_A, unionId: a.unionId, userid: 'zhangsan.back', name: '张三', deptIds: [10] })
      await auth.directory.sync()
      expect(await store.findBinding({ corpId: CORP_A, dingUserId: 'zhangsan.back' })).toMatchObject({
        userId: first.userId,
      })
      expect(await workbenchLogin(auth, 'zhangsan.back')).toMatchObject({
        userId: first.userId,
        isNewUser: false,
      })
    },
  )

  it.skipIf(skip)(
    "moves a rehired person's binding to the userid another person's binding still held",
    async () => {
      const a = emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [10] })
      const first = await workbenchLogin(auth, REUSED)
      const b = emu.hire({ corpId: CORP_A, userid: 'lisi', name: '李四', deptIds: [20] })
      const bFirst = await workbenchLogin(auth, 'lisi')
      emu.leave({ corpId: CORP_A, userid: REUSED })
      emu.leave({ corpId: CORP_A, userid: 'lisi' })
      emu.hire({ corpId: CORP_A, unionId: b.unionId, userid: REUSED, name: '李四', deptIds: [20] })
      await auth.directory.sync()

      expect(await store.findBinding({ corpId: CORP_A, dingUserId: REUSED })).toMatchObject({
        userId: bFirst.userId,
        unionId: b.unionId,
      })
      const stale = await store.findBinding({ corpId: CORP_A, unionId: a.unionId })
      expect(stale).toMatchObject({ userId: first.userId })
      expect(isVacatedUserId(stale!.thirdUserId)).toBe(true)
    },
  )
})

describe.each(backends)("the new holder's leave, read by userid ($name)", ({ open, skip }) => {
  let opened: StoreUnderTest
  let store: BindingStore
  let auth: DingTalkAuth

  beforeEach(async () => {
    if (skip) return
    emu.reset()
    opened = await open()
    store = opened.store
    auth = await createTestAuth(emu, {
      store,
      // The emulator's clock: leave times and logins are apart by more than DingTalk's one-second precision.
      now: () => emu.clock.now(),
      session: { secret: SESSION_SECRET },
      directory: { fullSyncEvery: false, leaveRecordsEvery: '1h', leavers: 'disable' },
    })
  })
  afterEach(async () => {
    if (skip) return
    await auth.close()
    await opened.cleanup()
  })

  it.skipIf(skip)(
    "a leave record of the userid ends the new holder's session, though the first holder's people row has it",
    async () => {
      const a = emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [10] })
      const first = await sessionLogin(auth, REUSED)
      await auth.directory.sync()
      emu.leave({ corpId: CORP_A, userid: REUSED })
      await auth.directory.sync()
      expect((await auth.directory.findPerson({ corpId: CORP_A, unionId: a.unionId }))?.person?.state).toBe(
        'left',
      )
      emu.clock.advance(10_000)
      const b = emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [20] })
      const other = await sessionLogin(auth, REUSED)
      expect(other.userId).not.toBe(first.userId)
      emu.clock.advance(10_000)
      const { leaveTime } = emu.leave({ corpId: CORP_A, userid: REUSED })

      // The first read of the leave records: both leaves of `zhangsan`, A's and B's.
      await auth.directory.start()
      expect(await until(async () => (await auth.sessions.verify(other.token)) === null)).toBe(true)
      const found = await auth.directory.findPerson({ corpId: CORP_A, dingUserId: REUSED })
      expect(found?.binding).toMatchObject({ userId: other.userId, unionId: b.unionId })
      // B's own leave, not A's earlier one of the same userid.
      expect(found?.person).toMatchObject({ unionId: b.unionId, state: 'left' })
      expect(Math.abs(found!.person!.leftAt! - leaveTime)).toBeLessThan(1_000)
    },
  )
})

describe('a hire event for a userid DingTalk handed on', () => {
  it("vacates the old binding's userid without giving the old binding to the new person", async () => {
    emu.reset()
    const store = createMemoryBindingStore()
    const auth = await createTestAuth(emu, {
      store,
      directory: {
        events: 'stream',
        fullSyncEvery: false,
        leaveRecordsEvery: false,
        stream: { heartbeatEvery: '100ms', reconnectMin: '10ms', reconnectMax: '40ms' },
      },
    })
    try {
      const a = emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [10] })
      const first = await workbenchLogin(auth, REUSED)
      await auth.directory.start()
      expect(await until(() => auth.directory.status()[0]!.streamConnected)).toBe(true)
      emu.leave({ corpId: CORP_A, userid: REUSED })
      const b = emu.hire({ corpId: CORP_A, userid: REUSED, name: '张三', deptIds: [20] })

      expect(
        await until(
          async () => await store.findBinding({ corpId: CORP_A, dingUserId: REUSED }),
          (found) => found === null,
        ),
      ).toBeNull()
      const stale = await store.findBinding({ corpId: CORP_A, unionId: a.unionId })
      expect(stale).toMatchObject({ userId: first.userId })
      expect(isVacatedUserId(stale!.thirdUserId)).toBe(true)
      expect(await store.findBinding({ corpId: CORP_A, unionId: b.unionId })).toBeNull()
      expect(
        await until(
          async () => (await auth.directory.findPerson({ corpId: CORP_A, unionId: b.unionId }))?.person,
        ),
      ).toMatchObject({ unionId: b.unionId })
      const other = await workbenchLogin(auth, REUSED)
      expect(other).toMatchObject({ isNewUser: true, binding: { unionId: b.unionId } })
      expect(other.userId).not.toBe(first.userId)
    } finally {
      await auth.close()
    }
  })
})
