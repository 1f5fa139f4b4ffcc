import type {} from '../../../test/support/services'
import { randomUUID } from 'node:crypto'
import {
  createDingTalkHandler,
  createMemoryStateStore,
  createRedisStateStore,
  createSqlStateStore,
} from 'dingtalk-login-server'
import type { StateStore } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  APP_A,
  EP,
  ZHANG_WEI,
  calls,
  createTestAuth,
  mintOAuthCode,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { TestBrowser } from './browser'

const { redis, postgres } = inject('services')
const ORIGIN = 'http://127.0.0.1:3000'
const SECRET = 'double-submit-secret-of-at-least-32-bytes'

/**
 * A real store whose second read of a login state is late: the second request of a double submit then checks
 * the state after the first one has claimed the code and used the state up, the race seen in production.
 */
function withLateSecondStateRead(inner: StateStore): StateStore {
  let stateReads = 0
  return {
    set: (key, value, ttlMs, mode) => inner.set(key, value, ttlMs, mode),
    async get(key) {
      if (key.startsWith('state:') && ++stateReads === 2) await new Promise((r) => setTimeout(r, 150))
      return inner.get(key)
    },
    take: (key) => inner.take(key),
    delete: (key, expected) => inner.delete(key, expected),
    extend: (key, expected, ttlMs) => inner.extend(key, expected, ttlMs),
    addToSet: (key, member, ttlMs) => inner.addToSet(key, member, ttlMs),
    setMembers: (key) => inner.setMembers(key),
    removeFromSet: (key, member) => inner.removeFromSet(key, member),
  }
}

let emu: RunningEmulator
beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
})

const stores: { name: string; open: (() => Promise<StateStore & { close?(): unknown }>) | null }[] = [
  { name: 'memory', open: async () => createMemoryStateStore() },
  {
    name: 'Redis',
    open: redis ? () => createRedisStateStore({ url: redis, keyPrefix: `test:${randomUUID()}:` }) : null,
  },
  {
    name: 'PostgreSQL',
    open: postgres
      ? async () => {
          const store = await createSqlStateStore({
            url: postgres,
            tablePrefix: `ds_${randomUUID().replaceAll('-', '').slice(0, 12)}_`,
          })
          return {
            ...store,
            close: async () => {
              await store.dropTable()
              await store.close()
            },
          }
        }
      : null,
  },
]

describe.each(stores)('a same-browser double submit with the $name state store (defect 6)', ({ open }) => {
  it.skipIf(!open)('always gets the first result, never invalid_state', async () => {
    for (let round = 0; round < 3; round++) {
      const inner = await open!()
      const auth = await createTestAuth(emu, { clientIds: [APP_A] })
      try {
        const http = createDingTalkHandler(auth, {
          session: { secret: SECRET },
          stateStore: withLateSecondStateRead(inner),
        })
        const b = new TestBrowser(ORIGIN, http.handler)
        const { state } = (await (await b.get('config')).json()) as { state: string }
        const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
        const before = calls(emu)[EP.userToken] ?? 0
        const answers = await Promise.all(
          Array.from({ length: 4 }, () => b.post('login/qr', { code, state, platform: 'web' })),
        )
        const bodies = (await Promise.all(answers.map((r) => r.json()))) as {
          userId?: string
          session?: { token: string }
          error?: { code: string }
        }[]
        expect(bodies.map((body) => body.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok'])
        expect(new Set(bodies.map((body) => body.userId)).size).toBe(1)
        // One session, not one per request: the replay answers the very same token.
        expect(new Set(bodies.map((body) => body.session?.token)).size).toBe(1)
        expect((calls(emu)[EP.userToken] ?? 0) - before).toBe(1)
      } finally {
        await auth.close()
        await inner.close?.()
      }
    }
  })
})
