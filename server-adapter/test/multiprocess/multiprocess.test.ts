import type {} from '../../../test/support/services'
import { randomBytes, randomUUID } from 'node:crypto'
import { createSqlStateStore } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { TestBrowser, errorOf, sendOverNetwork } from '../http/browser'
import {
  APP_A,
  APP_B,
  CORP_A,
  CORP_B,
  EP,
  LI_NA,
  ZHANG_WEI,
  ZHAO_MIN,
  instancesFor,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import {
  deleteRedisKeys,
  dropSharedStore,
  migrateSharedStore,
  startLoginServer,
  stopLoginServer,
} from './loginServerProcess'
import type { LoginServerProcess } from './loginServerProcess'

const { postgres, redis } = inject('services')
const stateBackends = [
  { name: 'Redis', url: redis },
  { name: 'PostgreSQL (SQL-only deployment)', url: postgres },
]

describe.skipIf(!postgres).each(stateBackends)(
  'two login processes sharing PostgreSQL, states in $name',
  ({ url: stateUrl }) => {
    let emu: RunningEmulator
    const servers: LoginServerProcess[] = []
    const tablePrefix = `mp_${randomBytes(4).toString('hex')}_`
    const redisPrefix = `mp-test:${randomUUID()}:`

    beforeAll(async () => {
      if (!stateUrl) return
      emu = await startTestEmulator({ latencyMs: 20 })
      await migrateSharedStore(postgres!, tablePrefix)
      const settings = {
        emulatorUrl: emu.url,
        instances: instancesFor(emu, [APP_A, APP_B]),
        storeUrl: postgres!,
        tablePrefix,
        stateUrl,
        redisPrefix,
        sessionSecret: randomBytes(32).toString('base64url'),
      }
      servers.push(...(await Promise.all([startLoginServer(settings), startLoginServer(settings)])))
    }, 60_000)

    afterAll(async () => {
      if (!stateUrl) return
      await Promise.all(servers.map(stopLoginServer))
      await dropSharedStore(postgres!, tablePrefix)
      if (stateUrl.startsWith('redis')) await deleteRedisKeys(stateUrl, redisPrefix)
      else {
        const states = await createSqlStateStore({ url: postgres!, tablePrefix })
        await states.dropTable()
        await states.close()
      }
      await emu?.close()
    }, 30_000)

    const stats = async () =>
      (await (await fetch(`${emu.url}/__emulator/stats`)).json()) as {
        byEndpoint: Record<string, number>
        byApp: Record<string, Record<string, number>>
      }

    it.skipIf(!stateUrl)(
      'serves 200 concurrent logins spread over both, fetching each app token once between them',
      async () => {
        const [one, two] = servers as [LoginServerProcess, LoginServerProcess]
        const people = [
          { flow: 'qr', clientId: APP_A, corpId: CORP_A, userid: ZHANG_WEI.userid },
          { flow: 'qr', clientId: APP_A, corpId: CORP_A, userid: LI_NA.useridA },
          { flow: 'qr', clientId: APP_B, corpId: CORP_B, userid: ZHAO_MIN.userid },
          { flow: 'workbench', clientId: APP_A, corpId: CORP_A, userid: ZHANG_WEI.userid },
          { flow: 'workbench', clientId: APP_B, corpId: CORP_B, userid: LI_NA.useridB },
        ] as const
        const logins = Array.from({ length: 200 }, async (_, i) => {
          const person = people[i % people.length]!
          // The state comes from one process and is consumed by the other.
          const first = new TestBrowser((i % 2 ? one : two).origin, sendOverNetwork)
          const second = new TestBrowser((i % 2 ? two : one).origin, sendOverNetwork)
          if (person.flow === 'qr') {
            const config = (await (await first.get(`config?corpId=${person.corpId}`)).json()) as {
              state: string
            }
            for (const [name, value] of first.jar) second.jar.set(name, value)
            const { code } = emu.mintOAuthCode({ clientId: person.clientId, userid: person.userid })
            const response = await second.post('login/qr', { code, state: config.state, platform: 'web' })
            return {
              status: response.status,
              body: (await response.json()) as { binding?: { dingUserId: string } },
            }
          }
          const { code } = emu.mintFreeLoginCode({ corpId: person.corpId, userid: person.userid })
          const response = await second.post('login/workbench', {
            corpId: person.corpId,
            authCode: code,
            platform: 'ios',
          })
          return {
            status: response.status,
            body: (await response.json()) as { binding?: { dingUserId: string } },
          }
        })
        const results = await Promise.all(logins)
        const failures = results.filter((r) => r.status !== 200)
        expect(failures).toEqual([])
        const s = await stats()
        console.info(
          `200 logins over 2 processes (states in ${stateUrl?.split(':')[0]}): app-token fetches ${JSON.stringify(
            {
              [APP_A]: s.byApp[APP_A]?.[EP.appToken],
              [APP_B]: s.byApp[APP_B]?.[EP.appToken],
              total: s.byEndpoint[EP.appToken],
            },
          )}, code exchanges ${s.byEndpoint[EP.userToken]} + ${s.byEndpoint[EP.getUserInfo]}`,
        )
        expect(s.byApp[APP_A]?.[EP.appToken]).toBe(1)
        expect(s.byApp[APP_B]?.[EP.appToken]).toBe(1)
        expect(s.byEndpoint[EP.appToken]).toBe(2)
        expect(s.byEndpoint[EP.userToken]).toBe(120)
        expect(s.byEndpoint[EP.getUserInfo]).toBe(80)
      },
      60_000,
    )

    it.skipIf(!stateUrl)('consumes a state issued by one process in the other, once', async () => {
      const [one, two] = servers as [LoginServerProcess, LoginServerProcess]
      const a = new TestBrowser(one.origin, sendOverNetwork)
      const { state } = (await (await a.get('config')).json()) as { state: string }
      const b = new TestBrowser(two.origin, sendOverNetwork)
      for (const [name, value] of a.jar) b.jar.set(name, value)
      const { code } = emu.mintOAuthCode({ clientId: APP_A, userid: ZHANG_WEI.userid })
      const login = await b.post('login/qr', { code, state, platform: 'web' })
      expect(login.status).toBe(200)
      const { session } = (await login.json()) as { session: { token: string } }

      // Used up for both processes.
      const again = emu.mintOAuthCode({ clientId: APP_A, userid: ZHANG_WEI.userid }).code
      expect(await errorOf(await a.post('login/qr', { code: again, state, platform: 'web' }))).toMatchObject({
        status: 400,
        code: 'invalid_state',
      })
      // The double callback reaches the other process: it answers the first result without a second exchange.
      const before = (await stats()).byEndpoint[EP.userToken]
      expect((await a.post('login/qr', { code, state, platform: 'web' })).status).toBe(200)
      expect((await stats()).byEndpoint[EP.userToken]).toBe(before)
      // A session issued by one process is valid in the other; a logout in one revokes it in both.
      expect((await a.get('session', { authorization: `Bearer ${session.token}` })).status).toBe(200)
      expect(
        (
          await b.request('logout', {
            method: 'POST',
            headers: { origin: two.origin, authorization: `Bearer ${session.token}` },
          })
        ).status,
      ).toBe(204)
      expect((await a.get('session', { authorization: `Bearer ${session.token}` })).status).toBe(401)
    })
  },
)
