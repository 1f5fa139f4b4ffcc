import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { createCallbackCrypto } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { toNodeHandler } from 'dingtalk-login-server/node'
import { defaultFixture } from 'dingtalk-emulator'
import type { EmulatorOptions } from 'dingtalk-emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { APP_A, CORP_A, ZHANG_WEI, createTestAuth, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

let emu: RunningEmulator | undefined
let auth: DingTalkAuth | undefined
let server: Server | undefined

afterEach(async () => {
  await auth?.close()
  await emu?.close()
  if (server) await new Promise((resolve) => server!.close(resolve))
  emu = auth = server = undefined
})

async function until<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((r) => setTimeout(r, 25))
  }
}

async function startStream(
  options: EmulatorOptions = {},
): Promise<{ emu: RunningEmulator; auth: DingTalkAuth }> {
  emu = await startTestEmulator(options)
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    directory: { events: 'stream', fullSyncEvery: false, leaveRecordsEvery: false },
  })
  await auth.directory.sync()
  await auth.directory.start()
  await until(
    () => auth!.directory.status()[0]!.streamConnected,
    (connected) => connected,
  )
  return { emu, auth }
}

const departmentName = async (deptId: number) =>
  (await auth!.directory.departments(CORP_A)).find((d) => d.deptId === deptId)

describe('directory events in Stream mode', () => {
  it('brings department create, rename, move and remove into the store', async () => {
    const { emu } = await startStream()
    const { deptId } = emu.createDepartment({ corpId: CORP_A, name: '设计部', parentId: 10 })
    expect(await until(() => departmentName(deptId), Boolean)).toMatchObject({ name: '设计部', parentId: 10 })
    emu.modifyDepartment({ corpId: CORP_A, deptId, name: '体验设计部' })
    expect(
      await until(
        () => departmentName(deptId),
        (d) => d?.name === '体验设计部',
      ),
    ).toMatchObject({
      name: '体验设计部',
    })
    emu.modifyDepartment({ corpId: CORP_A, deptId, parentId: 20 })
    expect(
      await until(
        () => departmentName(deptId),
        (d) => d?.parentId === 20,
      ),
    ).toMatchObject({ parentId: 20 })
    emu.removeDepartment({ corpId: CORP_A, deptId })
    expect(
      await until(
        () => departmentName(deptId),
        (d) => d === undefined,
      ),
    ).toBeUndefined()
  })

  it('loses no event across a disconnect (new connection first) or a dropped socket, and acks every one', async () => {
    const { emu, auth } = await startStream()
    emu.stream.disconnect({ clientId: APP_A, closeAfterMs: 300 })
    const hired = emu.hire({ corpId: CORP_A, name: '新同事', deptIds: [20], title: '设计师' })
    emu.modifyPerson({ corpId: CORP_A, userid: ZHANG_WEI.userid, title: 'CTO' })
    emu.stream.drop({ clientId: APP_A })
    // While the socket is down: DingTalk keeps the events and pushes them on the next connection.
    const second = emu.hire({ corpId: CORP_A, name: '又一位同事', deptIds: [30] })
    for (const userid of [hired.userid, second.userid]) {
      const found = await until(
        () => auth.directory.findPerson({ corpId: CORP_A, dingUserId: userid }),
        (p) => p?.person?.state === 'active',
      )
      expect(found?.person?.state).toBe('active')
    }
    const zhang = await until(
      () => auth.directory.findPerson({ corpId: CORP_A, dingUserId: ZHANG_WEI.userid }),
      (p) => p?.person?.title === 'CTO',
    )
    expect(zhang?.person?.title).toBe('CTO')
    // Every event delivered to this app was acked (other apps of the corp have their own deliveries).
    const pending = await until(
      () =>
        emu
          .events(APP_A)
          .filter((e) => e.deliveries.some((d) => d.clientId === APP_A && d.status !== 'acked')),
      (list) => list.length === 0,
    )
    expect(pending).toEqual([])
  })

  it('applies a leave missed while disconnected from the leave records when it reconnects', async () => {
    emu = await startTestEmulator({ stream: { offlineEvents: 'drop' } })
    const current = await createTestAuth(emu, {
      clientIds: [APP_A],
      directory: { events: 'stream', fullSyncEvery: false, leaveRecordsEvery: '1h' },
    })
    auth = current
    await current.directory.sync()
    await current.directory.start()
    await until(
      () => current.directory.status()[0]!.streamConnected,
      (connected) => connected,
    )
    emu.stream.drop({ clientId: APP_A })
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    const gone = await until(
      () => current.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }),
      (p) => p?.person?.state === 'left',
    )
    expect(gone?.person?.state).toBe('left')
  })
})

describe('directory events as HTTP callbacks', () => {
  const token = 'callbackToken123'
  const aesKey = randomBytes(32).toString('base64').slice(0, 43)

  async function startCallbacks(): Promise<{ emu: RunningEmulator; auth: DingTalkAuth; url: string }> {
    // The server listens first: its URL goes into the emulator's fixture; the handler comes once auth exists.
    const late: { handle?: ReturnType<typeof toNodeHandler> } = {}
    server = createServer((req, res) => {
      if (late.handle) void late.handle(req, res)
      else res.writeHead(503).end()
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/dingtalk/events`
    const fixture = structuredClone(defaultFixture)
    fixture.apps[0]!.callback = { url, token, aesKey }
    fixture.apps[0]!.stream = false
    emu = await startTestEmulator({ fixture, callbacks: { checkOnStart: false, retryDelaysMs: [200, 500] } })
    auth = await createTestAuth(emu, {
      clientIds: [APP_A],
      session: { secret: randomBytes(32).toString('base64url') },
      directory: { events: 'callback', callback: { token, aesKey }, fullSyncEvery: false },
    })
    late.handle = toNodeHandler(auth)
    await auth.directory.sync()
    return { emu, auth, url }
  }

  it('answers the check_url handshake and applies pushed events once', async () => {
    const { emu, auth } = await startCallbacks()
    expect(await emu.callbacks.check(APP_A)).toMatchObject({ ok: true })
    const hired = emu.hire({ corpId: CORP_A, name: '回调同事', deptIds: [10] })
    const found = await until(
      () => auth.directory.findPerson({ corpId: CORP_A, dingUserId: hired.userid }),
      (p) => p?.person?.state === 'active',
    )
    expect(found?.person?.name).toBe('回调同事')
    emu.leave({ corpId: CORP_A, userid: hired.userid })
    expect(
      (
        await until(
          () => auth.directory.findPerson({ corpId: CORP_A, dingUserId: hired.userid }),
          (p) => p?.person?.state === 'left',
        )
      )?.person?.state,
    ).toBe('left')
    const deliveries = emu
      .events(APP_A)
      .flatMap((e) => e.deliveries)
      .filter((d) => d.clientId === APP_A)
    expect(deliveries).toEqual(deliveries.map(() => expect.objectContaining({ status: 'acked' })))
  })

  it('refuses a callback with a bad signature with 401 and applies nothing', async () => {
    const { auth, url } = await startCallbacks()
    const crypto = createCallbackCrypto(token, aesKey, APP_A)
    const payload = JSON.stringify({
      EventType: 'user_leave_org',
      CorpId: CORP_A,
      eventId: 'forged-1',
      timeStamp: String(Date.now()),
      userId: [ZHANG_WEI.userid],
    })
    const encrypt = crypto.encrypt(payload)
    const timestamp = String(Date.now())
    const nonce = 'abcdefgh'
    const forged = createCallbackCrypto('not-the-token', aesKey, APP_A).sign(timestamp, nonce, encrypt)
    const response = await fetch(`${url}?signature=${forged}&timestamp=${timestamp}&nonce=${nonce}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ encrypt }),
    })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_signature')
    const person = await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
    expect(person?.person?.state).toBe('active')

    // The same body signed with the right token is applied: the refusal was the signature's doing.
    const signature = crypto.sign(timestamp, nonce, encrypt)
    const accepted = await fetch(`${url}?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ encrypt }),
    })
    expect(accepted.status).toBe(200)
    const answer = (await accepted.json()) as {
      msg_signature: string
      timeStamp: string
      nonce: string
      encrypt: string
    }
    expect(crypto.decrypt(answer.encrypt)).toBe('success')
    expect(crypto.verify(answer.msg_signature, answer.timeStamp, answer.nonce, answer.encrypt)).toBe(true)
    expect(
      (await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }))?.person?.state,
    ).toBe('left')
  })
})
