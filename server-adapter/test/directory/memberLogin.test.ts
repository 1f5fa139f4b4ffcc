import type { DingTalkAuth, DingTalkAuthOptions, DirectoryPersonEvent } from 'dingtalk-login-server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bindingStoreBackends } from '../support/bindingStores'
import type { StoreUnderTest } from '../support/bindingStores'
import {
  APP_A,
  CORP_A,
  MA_CHAO,
  createTestAuth,
  startTestEmulator,
  workbenchSessionLogin,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

// DingTalk gives login codes to members only: a login proves the person is in the corp at that moment. A person who
// logs in while a crawl runs is no leaver for missing from it.

const { backends, removeFiles } = bindingStoreBackends('member-login')
const SECRET = 'member-login-test-session-secret-32-bytes+'

let emu: RunningEmulator

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
  removeFiles()
})

/** The HTTP status of `GET /session` with the token: 200 while the session holds, 401 once it ended. */
async function sessionStatus(auth: DingTalkAuth, token: string): Promise<number> {
  const response = await auth.handler(
    new Request('http://127.0.0.1:3000/api/auth/dingtalk/session', {
      headers: { authorization: `Bearer ${token}` },
    }),
  )
  return response.status
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
