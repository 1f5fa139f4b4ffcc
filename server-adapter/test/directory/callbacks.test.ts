import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { createCallbackCrypto, createMemoryStateStore } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkAuthOptions, DirectoryOptions } from 'dingtalk-login-server'
import { toNodeHandler } from 'dingtalk-login-server/node'
import { defaultFixture } from 'dingtalk-emulator'
import type { CallbackOptions } from 'dingtalk-emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { errorOf } from '../http/browser'
import {
  APP_A,
  CORP_A,
  ZHANG_WEI,
  advanceEmulatorClock,
  createRecordingLogger,
  createTestAuth,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { until } from '../support/until'

const TOKEN = 'callbackToken123'
const AES_KEY = randomBytes(32).toString('base64').slice(0, 43)
const SECRET = randomBytes(32).toString('base64url')
const crypto = createCallbackCrypto(TOKEN, AES_KEY, APP_A)

let emu: RunningEmulator | undefined
let auth: DingTalkAuth | undefined
let server: Server | undefined

afterEach(async () => {
  await auth?.close()
  await emu?.close()
  if (server) await new Promise((resolve) => server!.close(resolve))
  emu = auth = server = undefined
})

/**
 * A login server on a real port whose `POST …/events` URL is registered with the emulator for APP_A (HTTP
 * callbacks only, no Stream), synced once.
 */
async function startCallbacks(
  overrides: Partial<DingTalkAuthOptions> & {
    directoryOptions?: DirectoryOptions
    logins?: boolean
    emulatorCallbacks?: CallbackOptions
  } = {},
): Promise<{ emu: RunningEmulator; auth: DingTalkAuth; url: string; outage: { on: boolean } }> {
  const { directoryOptions, logins = true, emulatorCallbacks, ...rest } = overrides
  // The server listens first: its URL goes into the emulator's fixture; the handler comes once auth exists.
  const late: { handle?: ReturnType<typeof toNodeHandler> } = {}
  // While `on`, the server answers 503 as during a deployment: DingTalk pushes again later.
  const outage = { on: false }
  server = createServer((req, res) => {
    if (late.handle && !outage.on) void late.handle(req, res)
    else res.writeHead(503).end()
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/dingtalk/events`
  const fixture = structuredClone(defaultFixture)
  fixture.apps[0]!.callback = { url, token: TOKEN, aesKey: AES_KEY }
  fixture.apps[0]!.stream = false
  emu = await startTestEmulator({
    fixture,
    callbacks: { checkOnStart: false, retryDelaysMs: [200, 500], ...emulatorCallbacks },
  })
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    ...(logins ? { session: { secret: SECRET } } : {}),
    ...rest,
    directory: {
      events: 'callback',
      callback: { token: TOKEN, aesKey: AES_KEY },
      fullSyncEvery: false,
      ...directoryOptions,
    },
  })
  late.handle = toNodeHandler(auth)
  await auth.directory.sync()
  return { emu, auth, url, outage }
}

/** A callback as DingTalk sends it: the payload sealed, signed with `token` at `timestamp`. */
function sealed(payload: Record<string, unknown>, timestamp: number, token = TOKEN) {
  const encrypt = crypto.encrypt(JSON.stringify(payload))
  const nonce = randomBytes(4).toString('hex')
  const signature = createCallbackCrypto(token, AES_KEY, APP_A).sign(String(timestamp), nonce, encrypt)
  return { query: `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, encrypt }
}

function push(
  url: string,
  callback: { query: string; encrypt: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}?${callback.query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ encrypt: callback.encrypt }),
  })
}

const leaveOf = (userid: string, eventId: string, time: number) => ({
  EventType: 'user_leave_org',
  CorpId: CORP_A,
  eventId,
  timeStamp: String(time),
  userId: [userid],
})

const zhangState = async () =>
  (await auth!.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }))?.person?.state

/** The encrypted `success` of an accepted callback, checked as DingTalk checks it. */
async function expectSuccess(response: Response): Promise<void> {
  expect(response.status).toBe(200)
  const answer = (await response.json()) as Record<string, string>
  expect(crypto.decrypt(answer.encrypt!)).toBe('success')
  expect(crypto.verify(answer.msg_signature!, answer.timeStamp!, answer.nonce!, answer.encrypt!)).toBe(true)
}

describe('directory events as HTTP callbacks', () => {
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
    // Acked once the encrypted success is back with the emulator, just after the store was written.
    const unacked = await until(
      async () =>
        emu
          .events(APP_A)
          .flatMap((e) => e.deliveries)
          .filter((d) => d.clientId === APP_A && d.status !== 'acked'),
      (list) => list.length === 0,
    )
    expect(unacked).toEqual([])
  })

  it('refuses a bad signature with 401 invalid_signature in the asked language, and applies nothing', async () => {
    const { url } = await startCallbacks()
    const payload = leaveOf(ZHANG_WEI.userid, 'forged-1', Date.now())
    const forged = sealed(payload, Date.now(), 'not-the-token')
    const refused = await push(url, forged, { 'accept-language': 'zh-CN,zh;q=0.9' })
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff')
    expect(refused.headers.get('cache-control')).toBe('no-store')
    expect(await errorOf(refused)).toEqual({
      status: 401,
      code: 'invalid_signature',
      message: '回调签名无效或已过期',
    })
    expect(await zhangState()).toBe('active')

    // The same event signed with the right token is applied: the refusal was the signature's doing.
    await expectSuccess(await push(url, sealed(payload, Date.now())))
    expect(await zhangState()).toBe('left')
  })

  it('is a route like the others: body limit, JSON only, POST only, every query field named', async () => {
    const { url } = await startCallbacks()
    const callback = sealed(leaveOf(ZHANG_WEI.userid, 'limits-1', Date.now()), Date.now())
    const oversized = await fetch(`${url}?${callback.query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ encrypt: 'A'.repeat(70_000) }),
    })
    expect(oversized.headers.get('connection')).toBe('close')
    expect(await errorOf(oversized)).toMatchObject({ status: 413, code: 'payload_too_large' })
    const form = await fetch(`${url}?${callback.query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `encrypt=${encodeURIComponent(callback.encrypt)}`,
    })
    expect(await errorOf(form)).toMatchObject({ status: 415, code: 'unsupported_media_type' })
    expect(await errorOf(await fetch(`${url}?${callback.query}`))).toMatchObject({
      status: 400,
      code: 'invalid_request',
      field: 'method',
    })
    const noNonce = { ...callback, query: callback.query.replace(/&nonce=[^&]*/, '') }
    expect(await errorOf(await push(url, noNonce))).toMatchObject({
      status: 400,
      code: 'invalid_request',
      field: 'nonce',
    })
    expect(await zhangState()).toBe('active')
    // The 16 KB of the login routes would refuse an event that names many people; callbacks take more.
    const many = Array.from({ length: 1_200 }, (_, i) => `0${String(i).padStart(12, '0')}`)
    const big = sealed(
      { ...leaveOf(ZHANG_WEI.userid, 'limits-2', Date.now()), userId: [ZHANG_WEI.userid, ...many] },
      Date.now(),
    )
    expect(big.encrypt.length).toBeGreaterThan(16 * 1024)
    await expectSuccess(await push(url, big))
    expect(await zhangState()).toBe('left')
  })

  it('a signed callback that does not decrypt to JSON is a typed 400 whose log lines never quote its text', async () => {
    // Errors written out with their message and cause, as pino and most loggers do.
    const lines: string[] = []
    const withErrors = (_key: string, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message, cause: value.cause } : value
    const record = (level: string) => (objOrMsg: Record<string, unknown> | string, msg?: string) => {
      lines.push(`${level} ${JSON.stringify(objOrMsg, withErrors)} ${msg ?? ''}`)
    }
    const logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    }
    const { url } = await startCallbacks({ logger })
    const marker = 'canary-plaintext'
    const encrypt = crypto.encrypt(marker)
    const timestamp = Date.now()
    const nonce = randomBytes(4).toString('hex')
    const signature = createCallbackCrypto(TOKEN, AES_KEY, APP_A).sign(String(timestamp), nonce, encrypt)
    const answer = await push(url, {
      query: `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`,
      encrypt,
    })
    expect(await errorOf(answer)).toMatchObject({ status: 400, code: 'invalid_request', field: 'encrypt' })
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.join('\n')).not.toContain(marker)
  })

  it('asks DingTalk to push again an event another process is applying, without blaming DingTalk', async () => {
    const stateStore = createMemoryStateStore()
    const logger = createRecordingLogger()
    const { url } = await startCallbacks({ stateStore, logger })
    const payload = leaveOf(ZHANG_WEI.userid, 'claimed-elsewhere-1', Date.now())
    // Another process has claimed the event and is still applying it.
    const claim = `directory:event:${CORP_A}:claimed-elsewhere-1`
    expect(await stateStore.set(claim, 'claimed', 60_000, 'nx')).toBe(true)
    logger.lines.length = 0

    const busy = await push(url, sealed(payload, Date.now()))
    // Not the sealed `success`: DingTalk counts it as a failed push and pushes the event again.
    expect(busy.status).toBe(409)
    expect(await busy.json()).not.toHaveProperty('encrypt')
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([])
    expect(logger.lines.join('\n')).not.toMatch(/unavailable/i)
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^info .* directory: event claimed-elsewhere-1 is being applied by another process; DingTalk will redeliver$/,
      ),
    )
    expect(await zhangState()).toBe('active')

    // The other process gave up (its claim dropped): the redelivery applies the event here.
    await stateStore.delete(claim)
    await expectSuccess(await push(url, sealed(payload, Date.now())))
    expect(await zhangState()).toBe('left')
  })

  it('takes a JSON body sent as text/plain or without a content type ([U] what DingTalk sends), nothing else', async () => {
    const { url } = await startCallbacks()
    const asText = sealed(leaveOf(ZHANG_WEI.userid, 'media-1', Date.now()), Date.now())
    const text = await fetch(`${url}?${asText.query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: JSON.stringify({ encrypt: asText.encrypt }),
    })
    await expectSuccess(text)
    expect(await zhangState()).toBe('left')
    // Bytes without a type: fetch sends no Content-Type at all.
    const bare = sealed({ EventType: 'check_url' }, Date.now())
    const untyped = await fetch(`${url}?${bare.query}`, {
      method: 'POST',
      body: new TextEncoder().encode(JSON.stringify({ encrypt: bare.encrypt })),
    })
    await expectSuccess(untyped)
    // Taken only when it parses: a text body that is not JSON stays a typed 400.
    const notJson = await fetch(`${url}?${bare.query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: `encrypt=${bare.encrypt}`,
    })
    expect(await errorOf(notJson)).toMatchObject({ status: 400, code: 'invalid_request', field: 'body' })
  })

  it('receives callbacks without session or onLogin, while the login routes say what is missing', async () => {
    const { emu, url } = await startCallbacks({ logins: false })
    expect(await emu.callbacks.check(APP_A)).toMatchObject({ ok: true })
    const config = await fetch(url.replace(/\/events$/, '/config'))
    expect(await errorOf(config)).toMatchObject({ status: 500, code: 'config_error' })
  })
})

describe('callback freshness', () => {
  it('refuses a signed callback replayed after the window, or dated too far ahead, and applies nothing', async () => {
    let clock = Date.now()
    const { url } = await startCallbacks({
      now: () => clock,
      directoryOptions: { callbackReplayWindow: '2m' },
    })
    const payload = leaveOf(ZHANG_WEI.userid, 'replayed-1', clock)
    // Captured once, correctly signed; sent again three minutes later.
    const captured = sealed(payload, clock)
    clock += 3 * 60_000
    expect(await errorOf(await push(url, captured))).toMatchObject({ status: 401, code: 'invalid_signature' })
    expect(await errorOf(await push(url, sealed(payload, clock + 3 * 60_000)))).toMatchObject({
      status: 401,
      code: 'invalid_signature',
    })
    expect(await zhangState()).toBe('active')
    // Inside the window either way: applied.
    await expectSuccess(await push(url, sealed(payload, clock - 90_000)))
    expect(await zhangState()).toBe('left')
  })

  it("refuses DingTalk's pushes when its clock runs ahead by more than the default five minutes", async () => {
    const { emu } = await startCallbacks()
    await advanceEmulatorClock(emu, 4 * 60_000)
    expect(await emu.callbacks.check(APP_A)).toMatchObject({ ok: true })
    await advanceEmulatorClock(emu, 2 * 60_000)
    expect(await emu.callbacks.check(APP_A)).toMatchObject({ ok: false, error: 'the answer is HTTP 401' })
  })

  // [U] Whether DingTalk re-signs a retried push is not documented: if it sends the first request again, a retry
  // older than callbackReplayWindow is refused like a replay, and only a wider window takes it.
  it.each([
    { window: '2m', applied: false },
    { window: '10m', applied: true },
  ])(
    'a retry resent with its first signature, 3 minutes late, with callbackReplayWindow $window: applied $applied',
    async ({ window, applied }) => {
      let clock = Date.now()
      const { emu, outage } = await startCallbacks({
        now: () => clock,
        directoryOptions: { callbackReplayWindow: window },
        emulatorCallbacks: { retrySigning: 'original', retryDelaysMs: [400, 400] },
      })
      outage.on = true
      emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
      const deliveryOf = () =>
        emu
          .events(APP_A)
          .filter((e) => e.eventType === 'user_leave_org')
          .flatMap((e) => e.deliveries)
          .find((d) => d.clientId === APP_A)
      expect(
        (
          await until(
            async () => deliveryOf(),
            (d) => d?.lastError !== undefined,
          )
        )?.lastError,
      ).toBe('the answer is HTTP 503')
      // Both clocks move on three minutes before the server is back.
      await advanceEmulatorClock(emu, 3 * 60_000)
      clock += 3 * 60_000
      outage.on = false
      const settled = await until(
        async () => deliveryOf(),
        (d) => d?.status === 'acked' || d?.status === 'failed',
      )
      if (applied) {
        expect(settled?.status).toBe('acked')
        expect(await zhangState()).toBe('left')
      } else {
        // What the user sees: the retries refused as stale, the event left to failedResults and the leave records.
        expect(settled).toMatchObject({ status: 'failed', lastError: 'the answer is HTTP 401' })
        expect(await zhangState()).toBe('active')
      }
    },
  )

  it("dates an event that carries no time of its own by the auth's clock", async () => {
    // An hour behind the machine's: a leave dated by Date.now() would show.
    const clock = Date.now() - 3_600_000
    const { url } = await startCallbacks({ now: () => clock })
    const { timeStamp: _none, ...undated } = leaveOf(ZHANG_WEI.userid, 'undated-1', clock)
    await expectSuccess(await push(url, sealed(undated, clock)))
    const zhang = await auth!.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId })
    expect(zhang?.person).toMatchObject({ state: 'left', leftAt: clock })
  })
})
