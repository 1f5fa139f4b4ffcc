import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqlBindingStore } from 'dingtalk-login-server'
import type { BindingStore, SqlBindingStore } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type {} from './support/services'
import {
  APP_A,
  CORP_A,
  CORP_B,
  ZHANG_WEI,
  ZHAO_MIN,
  createTestAuth,
  mintFreeLoginCode,
  mintOAuthCode,
  startTestEmulator,
} from './support/emulator'
import type { RunningEmulator } from './support/emulator'

const services = inject('services')
let emu: RunningEmulator

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
})

const backends: {
  name: string
  skip: boolean
  open: () => Promise<{ store: BindingStore; cleanup: () => Promise<void> }>
}[] = [
  {
    name: 'memory',
    skip: false,
    open: async () => ({
      store: (await import('dingtalk-login-server')).createMemoryBindingStore(),
      cleanup: async () => {},
    }),
  },
  {
    name: 'SQLite',
    skip: false,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dingtalk-concurrent-'))
      const store = await createSqlBindingStore({ url: `sqlite:${join(dir, 'db.sqlite')}` })
      return {
        store,
        cleanup: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })),
      }
    },
  },
  ...(['postgres', 'mysql'] as const).map((kind) => ({
    name: kind === 'postgres' ? 'PostgreSQL' : 'MariaDB',
    skip: !services[kind],
    open: async () => {
      const store: SqlBindingStore = await createSqlBindingStore({
        url: services[kind]!,
        tablePrefix: `c${randomBytes(5).toString('hex')}_`,
      })
      return { store, cleanup: async () => (await store.dropTables(), await store.close()) }
    },
  })),
]

for (const backend of backends) {
  describe.skipIf(backend.skip)(`50 concurrent first logins of one person (${backend.name})`, () => {
    it('make exactly one binding and one local user (workbench)', async () => {
      const { store, cleanup } = await backend.open()
      const auth = await createTestAuth(emu, { store })
      try {
        const codes = await Promise.all(
          Array.from({ length: 50 }, () =>
            mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHAO_MIN.userid }),
          ),
        )
        const results = await Promise.all(
          codes.map((authCode) => auth.service.loginByWorkbench({ corpId: CORP_B, authCode })),
        )
        const userIds = new Set(results.map((r) => r.userId))
        expect(userIds.size).toBe(1)
        expect(results.filter((r) => r.isNewUser)).toHaveLength(1)
        const [userId] = [...userIds]
        const binding = await store.findBinding({ corpId: CORP_B, dingUserId: ZHAO_MIN.userid })
        expect(binding?.userId).toBe(userId)
        expect((await store.findBinding({ corpId: CORP_B, unionId: ZHAO_MIN.unionId }))?.id).toBe(binding!.id)
        expect(await store.findUser(userId!)).toMatchObject({ id: userId, name: '赵敏' })
      } finally {
        await auth.close()
        await cleanup()
      }
    })

    it('make exactly one binding and one local user (QR, mixed with workbench)', async () => {
      const { store, cleanup } = await backend.open()
      const auth = await createTestAuth(emu, { store })
      try {
        const logins = await Promise.all(
          Array.from({ length: 50 }, async (_, i) =>
            i % 2 === 0
              ? auth.service.loginByQrCode({
                  code: await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid }),
                  corpId: CORP_A,
                })
              : auth.service.loginByWorkbench({
                  corpId: CORP_A,
                  authCode: await mintFreeLoginCode(emu, { corpId: CORP_A, userid: ZHANG_WEI.userid }),
                }),
          ),
        )
        expect(new Set(logins.map((r) => r.userId)).size).toBe(1)
        expect(logins.filter((r) => r.isNewUser)).toHaveLength(1)
      } finally {
        await auth.close()
        await cleanup()
      }
    })
  })
}
