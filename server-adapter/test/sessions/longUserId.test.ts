import type {} from '../../../test/support/services'
import { randomBytes } from 'node:crypto'
import { createMemoryStateStore, createSqlStateStore } from 'dingtalk-login-server'
import type { DingTalkAuth, StateStore } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ZHANG_WEI, createTestAuth, startTestEmulator, workbenchSessionLogin } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

const { postgres, mysql } = inject('services')
const SECRET = 'long-user-id-test-session-secret-32-bytes'
// The longest id resolveUser may give.
const LONG_ID = `employee/${'0123456789'.repeat(19)}`.slice(0, 191)

let emu: RunningEmulator

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
})

async function authWith(stateStore: StateStore, userId: string): Promise<DingTalkAuth> {
  return createTestAuth(emu, { session: { secret: SECRET }, stateStore, resolveUser: () => userId })
}

const withCookie = (token: string) =>
  new Request('http://127.0.0.1:3000/', { headers: { cookie: `dingtalk_session=${token}` } })

const sqlStateStores = [
  { name: 'PostgreSQL', url: postgres },
  { name: 'MariaDB', url: mysql },
]

for (const { name, url } of sqlStateStores) {
  describe.skipIf(!url)(`a ${LONG_ID.length}-character user id on the ${name} state store`, () => {
    it('logs in, lists and revokes the sessions of the user', async () => {
      expect(LONG_ID).toHaveLength(191)
      const stateStore = await createSqlStateStore({
        url: url!,
        tablePrefix: `lu_${randomBytes(5).toString('hex')}_`,
      })
      const auth = await authWith(stateStore, LONG_ID)
      try {
        const { userId, token } = await workbenchSessionLogin(emu, auth, ZHANG_WEI.userid)
        expect(userId).toBe(LONG_ID)
        expect((await auth.getSession(withCookie(token)))?.user.id).toBe(LONG_ID)
        expect(await auth.sessions.list({ userId })).toMatchObject([{ userId: LONG_ID }])
        expect(await auth.sessions.revokeUser(userId)).toBe(1)
        expect(await auth.getSession(withCookie(token))).toBeNull()
        expect(await auth.sessions.list({ userId })).toEqual([])
      } finally {
        await auth.close()
        await stateStore.dropTable()
        await stateStore.close()
      }
    })
  })
}

describe('the session index keys of a short user id', () => {
  it('stay as they were, so sessions recorded before an upgrade are still listed', async () => {
    const stateStore = createMemoryStateStore()
    const auth = await authWith(stateStore, 'u-1001')
    try {
      await workbenchSessionLogin(emu, auth, ZHANG_WEI.userid)
      expect(await stateStore.setMembers('sessions-of:user:u-1001')).toHaveLength(1)
    } finally {
      await auth.close()
    }
  })
})
