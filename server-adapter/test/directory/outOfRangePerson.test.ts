import { randomBytes } from 'node:crypto'
import { createCallbackCrypto } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterEach, expect, it } from 'vitest'
import {
  APP_A,
  CORP_A,
  EP,
  ZHANG_WEI,
  addFault,
  createRecordingLogger,
  createTestAuth,
  startTestEmulator,
  workbenchSessionLogin,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { until } from '../support/until'

const TOKEN = 'outOfRangeToken'
const AES_KEY = randomBytes(32).toString('base64').slice(0, 43)
const crypto = createCallbackCrypto(TOKEN, AES_KEY, APP_A)
// DingTalk: v2/user/get for a person outside the app's visible range (可见范围).
const OUT_OF_RANGE = { endpoint: EP.userGet, errcode: 50002, errmsg: '员工不在授权范围' }

let emu: RunningEmulator | undefined
let auth: DingTalkAuth | undefined

afterEach(async () => {
  await auth?.close()
  await emu?.close()
  emu = auth = undefined
})

/** A callback as DingTalk pushes it, sealed for APP_A and signed now. */
function signed(payload: Record<string, unknown>) {
  const encrypt = crypto.encrypt(JSON.stringify(payload))
  const timestamp = String(Date.now())
  const nonce = randomBytes(4).toString('hex')
  return { signature: crypto.sign(timestamp, nonce, encrypt), timestamp, nonce, encrypt }
}

const zhang = async () =>
  (await auth!.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }))?.person

it('takes a user event for someone now outside the visible range, once, and records them gone as a crawl would', async () => {
  emu = await startTestEmulator()
  const logger = createRecordingLogger()
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    logger,
    session: { secret: randomBytes(32).toString('base64url') },
    directory: { events: 'callback', callback: { token: TOKEN, aesKey: AES_KEY }, fullSyncEvery: false },
  })
  await auth.directory.sync()
  const { token } = await workbenchSessionLogin(emu, auth, ZHANG_WEI.userid)
  expect(await auth.sessions.verify(token)).not.toBeNull()

  // The admin took Zhang Wei out of the app's visible range: DingTalk says so, and reading him answers 50002.
  await addFault(emu, OUT_OF_RANGE)
  const bornTime = Date.now()
  const event = {
    EventType: 'user_modify_org',
    CorpId: CORP_A,
    eventId: 'out-of-range-1',
    timeStamp: String(bornTime),
    userId: [ZHANG_WEI.userid],
  }
  logger.lines.length = 0
  // Taken (DingTalk stops pushing it), and its redelivery is a duplicate: no 500 for DingTalk to retry forever.
  expect((await auth.directory.receiveCallback(signed(event))).outcome).toBe('success')
  expect((await auth.directory.receiveCallback(signed(event))).outcome).toBe('success')

  // Out of the range is out of the app's corp, as for the crawl (which lists the visible range only): recorded as
  // left, the session ended.
  expect(await zhang()).toMatchObject({ state: 'left', leftAt: bornTime })
  expect(await auth.sessions.verify(token)).toBeNull()

  const said = logger.lines.filter((line) => /visible range/.test(line))
  expect(said).toHaveLength(1)
  expect(said[0]).toMatch(/^info /)
  expect(said[0]).toContain(ZHANG_WEI.userid)
  expect(said[0]).not.toContain('员工不在授权范围')
  expect(logger.lines.filter((line) => /^(warn|error)/.test(line))).toEqual([])
})

it('acks the Stream event for someone outside the visible range instead of asking for it again and again', async () => {
  emu = await startTestEmulator()
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    directory: {
      events: 'stream',
      fullSyncEvery: false,
      leaveRecordsEvery: false,
      stream: { heartbeatEvery: '100ms', reconnectMin: '10ms', reconnectMax: '40ms' },
    },
  })
  await auth.directory.sync()
  await auth.directory.start()
  await until(
    async () => auth!.directory.status()[0]!.streamConnected,
    (connected) => connected,
  )
  await addFault(emu, OUT_OF_RANGE)
  emu.modifyPerson({ corpId: CORP_A, userid: ZHANG_WEI.userid, title: '顾问' })
  const deliveries = () =>
    emu!
      .events(APP_A)
      .filter((e) => e.eventType === 'user_modify_org')
      .flatMap((e) => e.deliveries)
      .filter((d) => d.clientId === APP_A)
  const settled = await until(
    async () => deliveries(),
    (list) => list.length > 0 && list.every((d) => d.status === 'acked'),
  )
  expect(settled.map((d) => d.status)).toEqual(['acked'])
  expect(await zhang()).toMatchObject({ state: 'left' })
})
