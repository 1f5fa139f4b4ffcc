import type {} from '../../../test/support/services'
import { randomBytes, randomUUID } from 'node:crypto'
import { createDingTalkAuth, createRedisStateStore } from 'dingtalk-login-server'
import type { DingTalkAuth, DirectoryPersonEvent } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { TestBrowser, errorOf, sendOverNetwork } from '../http/browser'
import {
  APP_A,
  CORP_A,
  ZHANG_WEI,
  createRecordingLogger,
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
} from '../multiprocess/loginServerProcess'
import type { LoginServerProcess } from '../multiprocess/loginServerProcess'
import { until } from '../support/until'

const { postgres, redis } = inject('services')

describe.skipIf(!postgres || !redis)(
  'a leaver is out at once, across processes (Stream mode, PostgreSQL + Redis)',
  () => {
    let emu: RunningEmulator
    let other: LoginServerProcess
    let leader: DingTalkAuth
    const tablePrefix = `dir_${randomBytes(4).toString('hex')}_`
    const redisPrefix = `dir-test:${randomUUID()}:`
    const secret = randomBytes(32).toString('base64url')
    const hooks: { kind: string; event: DirectoryPersonEvent }[] = []

    beforeAll(async () => {
      emu = await startTestEmulator()
      const instances = instancesFor(emu, [APP_A])
      await migrateSharedStore(postgres!, tablePrefix)
      other = await startLoginServer({
        emulatorUrl: emu.url,
        instances,
        storeUrl: postgres!,
        tablePrefix,
        stateUrl: redis!,
        redisPrefix,
        sessionSecret: secret,
      })
      // This process leads: it holds the Stream connection and applies the events.
      leader = await createDingTalkAuth({
        instances,
        store: postgres! as `postgres://${string}`,
        tablePrefix,
        stateStore: await createRedisStateStore({ url: redis!, keyPrefix: redisPrefix }),
        session: { secret },
        logger: createRecordingLogger(),
        dingtalk: { apiBase: emu.url, oapiBase: emu.url, loginBase: emu.url },
        directory: {
          events: 'stream',
          fullSyncEvery: false,
          leaveRecordsEvery: false,
          onPersonJoined: (event) => void hooks.push({ kind: 'joined', event }),
          onPersonLeft: (event) => void hooks.push({ kind: 'left', event }),
        },
      })
      await leader.directory.sync()
      await leader.directory.start()
      await until(
        async () => leader.directory.status()[0]!.streamConnected,
        (connected) => connected,
      )
    }, 60_000)

    afterAll(async () => {
      if (other) await stopLoginServer(other)
      await leader?.directory.stop()
      await dropSharedStore(postgres!, tablePrefix)
      await deleteRedisKeys(redis!, redisPrefix)
      await leader?.close()
      await emu?.close()
    }, 30_000)

    async function loginThroughOtherProcess({ corpChosen = false }: { corpChosen?: boolean } = {}): Promise<{
      status: number
      body: Record<string, unknown>
      browser: TestBrowser
    }> {
      const browser = new TestBrowser(other.origin, sendOverNetwork)
      const config = (await (await browser.get(`config?corpId=${CORP_A}`)).json()) as { state: string }
      // Scope `openid`: DingTalk lets a leaver authorise, and the server must be the one that refuses. With
      // `openid corpid` the person chose the corp on the phone, which only a member can: the server trusts it.
      const { code } = emu.mintOAuthCode({
        clientId: APP_A,
        unionId: ZHANG_WEI.unionId,
        ...(corpChosen ? { scope: 'openid corpid', corpId: CORP_A } : { scope: 'openid' }),
      })
      const response = await browser.post('login/qr', { code, state: config.state, platform: 'web' })
      return {
        status: response.status,
        body: (await response.clone().json()) as Record<string, unknown>,
        browser,
      }
    }

    it('refuses the session (cookie and Bearer) in the other process within a second, and the next login', async () => {
      const login = await loginThroughOtherProcess()
      expect(login.status).toBe(200)
      const token = (login.body.session as { token: string }).token
      const bearer = new TestBrowser(other.origin, sendOverNetwork)
      expect((await login.browser.get('session')).status).toBe(200)
      expect((await bearer.get('session', { authorization: `Bearer ${token}` })).status).toBe(200)

      const left = emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
      const started = Date.now()
      const refused = await until(
        async () => [
          (await login.browser.get('session')).status,
          (await bearer.get('session', { authorization: `Bearer ${token}` })).status,
        ],
        (statuses) => statuses.every((status) => status === 401),
      )
      const elapsed = Date.now() - started
      expect(refused).toEqual([401, 401])
      expect(elapsed).toBeLessThan(1_000)
      expect(await leader.sessions.verify(token)).toBeNull()

      const again = await loginThroughOtherProcess()
      expect(await errorOf(new Response(JSON.stringify(again.body), { status: again.status }))).toMatchObject(
        {
          status: 403,
          code: 'not_corp_member',
        },
      )
      const person = await leader.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
      expect(person?.person).toMatchObject({ state: 'left' })
      // The leave event's born time, taken on DingTalk's clock just after the leave itself.
      expect(person?.person?.leftAt).toBeGreaterThanOrEqual(left.leaveTime)
      expect(person?.person?.leftAt).toBeLessThan(left.leaveTime + 5_000)

      // The same event pushed again (a DingTalk duplicate) is applied once: one onPersonLeft.
      const leaveEvent = emu.events(APP_A).find((e) => e.eventType === 'user_leave_org')!
      emu.stream.duplicate({ eventId: leaveEvent.eventId, clientId: APP_A })
      await until(
        async () => emu.events(APP_A).find((e) => e.eventId === leaveEvent.eventId)!.deliveries[0]!.status,
        (status) => status === 'acked',
      )
      await new Promise((r) => setTimeout(r, 200))
      expect(hooks.filter((h) => h.kind === 'left')).toHaveLength(1)
      expect(hooks.find((h) => h.kind === 'left')!.event.binding?.id).toBe(person?.binding?.id)
    })

    it('lets a rehired person (same unionId) log in again as the same local user', async () => {
      const before = await leader.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
      emu.hire({ corpId: CORP_A, unionId: ZHANG_WEI.unionId, name: '张伟', deptIds: [10], title: '架构师' })
      const back = await until(
        () => leader.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }),
        (found) => found?.person?.state === 'active',
      )
      expect(back?.person).toMatchObject({ state: 'active', leftAt: null, title: '架构师', deptIds: [10] })
      const login = await loginThroughOtherProcess()
      expect(login.status).toBe(200)
      expect(login.body.userId).toBe(before?.binding?.userId)
      expect((await login.browser.get('session')).status).toBe(200)
      expect(hooks.filter((h) => h.kind === 'joined').at(-1)?.event.person.unionId).toBe(ZHANG_WEI.unionId)
    })

    it('follows a rehire under a new userid: the login works, and a leave of the new userid ends the session', async () => {
      const before = await leader.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
      emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
      await until(
        () => leader.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }),
        (found) => found?.person?.state === 'left',
      )
      const { userid } = emu.hire({
        corpId: CORP_A,
        unionId: ZHANG_WEI.unionId,
        userid: 'zhangwei.rehired',
        name: '张伟',
        deptIds: [10],
      })
      const back = await until(
        () => leader.directory.findPerson({ corpId: CORP_A, dingUserId: userid }),
        (found) => found?.binding?.thirdUserId === userid,
      )
      expect(back?.binding).toMatchObject({ id: before?.binding?.id, thirdUserId: userid })

      const login = await loginThroughOtherProcess({ corpChosen: true })
      expect(login.status).toBe(200)
      expect(login.body).toMatchObject({
        userId: before?.binding?.userId,
        binding: { dingUserId: userid, unionId: ZHANG_WEI.unionId },
      })
      expect((await login.browser.get('session')).status).toBe(200)
      expect(await leader.sessions.list({ corpId: CORP_A, dingUserId: userid })).toHaveLength(1)

      emu.leave({ corpId: CORP_A, userid })
      const refused = await until(
        async () => (await login.browser.get('session')).status,
        (status) => status === 401,
      )
      expect(refused).toBe(401)
    })
  },
)
