import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { callbackSignature, createCallbackCipher, defaultFixture } from 'dingtalk-emulator'
import type { EmulatorFixture } from 'dingtalk-emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { appToken, emulator, get, postJson, yunqi, yunqiApp } from './helpers'

/*
 * An app's callback receiver written from the organisation doc alone (§4), with Node's crypto: it shares no code
 * with the emulator, so it reads the pushes the way a real receiver would.
 */
const TOKEN = 'k9Qz2token'
const AES_KEY = 'xTiPnmD5mB6zXr2Lw7cG1yVb8Hk3Fq0Ns4Jd9Ua6Ee2' // 43 characters
const keyBytes = Buffer.from(`${AES_KEY}=`, 'base64')

function docDecrypt(encrypt: string): { message: string; key: string } {
  const decipher = createDecipheriv('aes-256-cbc', keyBytes, keyBytes.subarray(0, 16))
  decipher.setAutoPadding(false)
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()])
  const plain = padded.subarray(0, padded.length - padded[padded.length - 1]!)
  const length = plain.readUInt32BE(16)
  return {
    message: plain.subarray(20, 20 + length).toString(),
    key: plain.subarray(20 + length).toString(),
  }
}

function docEncrypt(message: string, key: string): string {
  const body = Buffer.from(message)
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length)
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(key)])
  const pad = 32 - (plain.length % 32)
  const cipher = createCipheriv('aes-256-cbc', keyBytes, keyBytes.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64')
}

const docSign = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex')

interface Push {
  query: URLSearchParams
  message: string
  key: string
  signatureOk: boolean
}

type Behaviour = 'success' | 'plain' | 'badSignature' | 'slow' | 'error500' | 'wrongWord'

/** A receiver that verifies and decrypts every push, and answers as `behaviour` says. */
async function receiver(key: string) {
  const pushes: Push[] = []
  let behaviour: Behaviour = 'success'
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams
      const { encrypt } = JSON.parse(Buffer.concat(chunks).toString()) as { encrypt: string }
      const signature = query.get('signature') ?? query.get('msg_signature') ?? ''
      const timestamp = query.get('timestamp') ?? query.get('timeStamp') ?? ''
      const opened = docDecrypt(encrypt)
      pushes.push({
        query,
        ...opened,
        signatureOk: docSign(TOKEN, timestamp, query.get('nonce') ?? '', encrypt) === signature,
      })
      const answer = (word: string) => {
        const timeStamp = String(Date.now())
        const nonce = 'abc123'
        const sealed = docEncrypt(word, key)
        return { msg_signature: docSign(TOKEN, timeStamp, nonce, sealed), timeStamp, nonce, encrypt: sealed }
      }
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      if (behaviour === 'success') send(200, answer('success'))
      else if (behaviour === 'plain') send(200, 'success')
      else if (behaviour === 'badSignature')
        send(200, { ...answer('success'), msg_signature: '0'.repeat(40) })
      else if (behaviour === 'wrongWord') send(200, answer('ok'))
      else if (behaviour === 'error500') send(500, answer('success'))
      else setTimeout(() => send(200, answer('success')), 400)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dingtalk/events`
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return {
    url,
    pushes,
    answer(next: Behaviour) {
      behaviour = next
    },
  }
}

const servers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()))
})

function fixtureWithCallback(url: string, extra: { key?: string } = {}): EmulatorFixture {
  const fixture = structuredClone(defaultFixture)
  fixture.apps = fixture.apps.map((a) =>
    a.clientId === yunqiApp.clientId
      ? { ...a, callback: { url, token: TOKEN, aesKey: AES_KEY, ...extra } }
      : a,
  )
  return fixture
}

describe('callback crypto', () => {
  it('reproduces DingTalk’s public test vector (decryption and signature)', () => {
    const encrypt =
      '1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ=='
    const cipher = createCallbackCipher(
      '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
      'suite4xxxxxxxxxxxxxxx',
    )
    expect(cipher.decrypt(encrypt)).toEqual({
      message:
        '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
      key: 'suite4xxxxxxxxxxxxxxx',
    })
    expect(callbackSignature('123456', '1445827045067', 'nEXhMP4r', encrypt)).toBe(
      '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
    )
    // Its cipher texts are what the doc's algorithm reads, and the other way round; a fresh IV-like prefix each time.
    const ours = createCallbackCipher(AES_KEY, 'dingkey')
    const sealed = ours.encrypt('你好 success')
    expect(docDecrypt(sealed)).toEqual({ message: '你好 success', key: 'dingkey' })
    expect(ours.decrypt(docEncrypt('success', 'dingkey'))).toEqual({ message: 'success', key: 'dingkey' })
    expect(ours.encrypt('x')).not.toBe(ours.encrypt('x'))
    expect(() => ours.decrypt('bm90IGEgY2lwaGVy')).toThrow(TypeError)
    expect(() => createCallbackCipher('short', 'k')).toThrow(/43-character/)
  })
})

describe('HTTP callbacks', () => {
  it('runs check_url at start, then pushes each event encrypted and signed; a valid encrypted success acks it', async () => {
    const app = await receiver(yunqiApp.clientId)
    const e = await emulator({ fixture: fixtureWithCallback(app.url) })
    await expect
      .poll(() => e.callbacks.checks())
      .toEqual([{ clientId: yunqiApp.clientId, url: app.url, ok: true, checkedAt: expect.any(Number) }])
    expect(app.pushes[0]).toMatchObject({
      message: '{"EventType":"check_url"}',
      key: yunqiApp.clientId,
      signatureOk: true,
    })

    const event = e.publishEvent({ eventType: 'user_leave_org', corpId: yunqi, userIds: ['0138261547271'] })
    await expect.poll(() => app.pushes.length).toBe(2)
    const push = app.pushes[1]!
    expect(push.signatureOk).toBe(true)
    expect(push.key).toBe(yunqiApp.clientId)
    expect([...push.query.keys()].sort()).toEqual(['nonce', 'signature', 'timestamp'])
    expect(JSON.parse(push.message)).toEqual({
      EventType: 'user_leave_org',
      EventTime: String(event.bornTime),
      CorpId: yunqi,
      eventId: event.eventId,
      timeStamp: String(event.bornTime),
      userId: ['0138261547271'],
    })
    await expect
      .poll(() => e.events()[0]!.deliveries.find((d) => d.channel === 'callback'))
      .toEqual({ clientId: yunqiApp.clientId, channel: 'callback', attempts: 1, status: 'acked' })

    const dept = e.publishEvent({ eventType: 'org_dept_remove', corpId: yunqi, deptIds: [7] })
    await expect.poll(() => app.pushes.length).toBe(3)
    expect(JSON.parse(app.pushes[2]!.message)).toMatchObject({
      EventType: 'org_dept_remove',
      eventId: dept.eventId,
      deptId: [7],
    })
  })

  it.each([
    ['plain', 'the answer lacks msg_signature, timeStamp, nonce or encrypt'],
    ['badSignature', 'the answer’s msg_signature does not match'],
    ['wrongWord', 'the answer decrypts to something else than "success"'],
    ['error500', 'the answer is HTTP 500'],
    ['slow', 'no answer within 200 ms'],
  ] as const)(
    'a %s answer fails: retried with backoff, then listed by failedResults once',
    async (behaviour, error) => {
      const app = await receiver(yunqiApp.clientId)
      app.answer(behaviour)
      const e = await emulator({
        fixture: fixtureWithCallback(app.url),
        callbacks: { timeoutMs: 200, retryDelaysMs: [50, 100], checkOnStart: false },
      })
      const event = e.publishEvent({ eventType: 'user_add_org', corpId: yunqi, userIds: ['u1', 'u2'] })
      await expect
        .poll(() => e.events()[0]!.deliveries.find((d) => d.channel === 'callback'), { timeout: 5000 })
        .toEqual({
          clientId: yunqiApp.clientId,
          channel: 'callback',
          attempts: 3,
          status: 'failed',
          lastError: error,
        })
      expect(app.pushes.every((p) => JSON.parse(p.message).eventId === event.eventId && p.signatureOk)).toBe(
        true,
      )
      expect(app.pushes).toHaveLength(3)

      const token = await appToken(e.url)
      const failed = await get(`${e.url}/v1.0/event/callbacks/failedResults`, {
        'x-acs-dingtalk-access-token': token,
      })
      expect(failed.body).toEqual({
        hasMore: false,
        failedList: [
          {
            callBackData: app.pushes[0]!.message,
            callBackTag: 'user_add_org',
            corpId: yunqi,
            eventTime: event.bornTime,
          },
        ],
      })
      const again = await postJson(
        `${e.url}/v1.0/event/callbacks/failedResults`,
        {},
        { 'x-acs-dingtalk-access-token': token },
      )
      expect(again.body).toEqual({ hasMore: false, failedList: [] })
    },
  )

  it('keeps at most maxFailedResults failed pushes per app, dropping the oldest', async () => {
    const app = await receiver(yunqiApp.clientId)
    app.answer('error500')
    const e = await emulator({
      fixture: fixtureWithCallback(app.url),
      callbacks: { retryDelaysMs: [], checkOnStart: false, maxFailedResults: 3 },
    })
    const userIds = ['u1', 'u2', 'u3', 'u4', 'u5']
    for (const userId of userIds)
      e.publishEvent({ eventType: 'user_add_org', corpId: yunqi, userIds: [userId] })
    await expect
      .poll(
        () =>
          e
            .events()
            .filter((event) =>
              event.deliveries.some((d) => d.channel === 'callback' && d.status === 'failed'),
            ).length,
        { timeout: 5000 },
      )
      .toBe(userIds.length)
    const failed = await get(`${e.url}/v1.0/event/callbacks/failedResults`, {
      'x-acs-dingtalk-access-token': await appToken(e.url),
    })
    const kept = (failed.body.failedList as { callBackData: string }[]).map(
      (push) => (JSON.parse(push.callBackData) as { userId: string[] }).userId[0],
    )
    expect(failed.body.hasMore).toBe(false)
    expect(kept.sort()).toEqual(['u3', 'u4', 'u5'])
  })

  it('a failure followed by a good answer is acked on the retry', async () => {
    const app = await receiver(yunqiApp.clientId)
    app.answer('error500')
    const e = await emulator({
      fixture: fixtureWithCallback(app.url),
      callbacks: { retryDelaysMs: [100], checkOnStart: false },
    })
    e.publishEvent({ eventType: 'user_modify_org', corpId: yunqi, userIds: ['u1'] })
    await expect.poll(() => app.pushes.length).toBe(1)
    app.answer('success')
    await expect
      .poll(() => e.events()[0]!.deliveries.find((d) => d.channel === 'callback'))
      .toEqual({ clientId: yunqiApp.clientId, channel: 'callback', attempts: 2, status: 'acked' })
  })

  it('offers the older spellings, msg_signature/timeStamp, the corpId as $key, and check_url on demand', async () => {
    const app = await receiver(yunqi)
    const e = await emulator({
      fixture: fixtureWithCallback(app.url),
      callbacks: {
        payloadSpelling: 'legacy',
        queryParams: 'msg_signature',
        key: 'corpId',
        checkOnStart: false,
      },
    })
    const check = await postJson(`${e.url}/__emulator/callbacks/check`, { clientId: yunqiApp.clientId })
    expect(check.body).toMatchObject({ clientId: yunqiApp.clientId, ok: true })
    expect([...app.pushes[0]!.query.keys()].sort()).toEqual(['msg_signature', 'nonce', 'timeStamp'])
    expect(app.pushes[0]).toMatchObject({ key: yunqi, signatureOk: true })
    const event = e.publishEvent({ eventType: 'user_add_org', corpId: yunqi, userIds: ['u9'] })
    await expect.poll(() => app.pushes.length).toBe(2)
    expect(JSON.parse(app.pushes[1]!.message)).toEqual({
      EventType: 'user_add_org',
      TimeStamp: String(event.bornTime),
      CorpId: yunqi,
      UserId: ['u9'],
    })

    // A receiver sealing its answer with another $key fails the handshake.
    const strict = await emulator({
      fixture: fixtureWithCallback(app.url),
      callbacks: { checkOnStart: false },
    })
    expect(await strict.callbacks.check(yunqiApp.clientId)).toMatchObject({
      ok: false,
      error: 'the answer is sealed with another $key',
    })
    const none = await postJson(`${strict.url}/__emulator/callbacks/check`, { clientId: 'dingnope' })
    expect(none.status).toBe(404)
  })

  it('refuses a fixture callback without a 43-character aesKey, naming the field', async () => {
    const fixture = fixtureWithCallback('http://127.0.0.1:9/x')
    fixture.apps[0]!.callback!.aesKey = 'too-short'
    await expect(emulator({ fixture })).rejects.toThrow(
      /apps\[0\]\.callback\.aesKey: expected a 43-character EncodingAESKey/,
    )
  })

  it('failedResults needs an app token', async () => {
    const e = await emulator({ callbacks: { checkOnStart: false } })
    const missing = await get(`${e.url}/v1.0/event/callbacks/failedResults`)
    expect(missing.status).toBe(400)
    expect(missing.body.code).toBe('AuthenticationFailed.MissingParameter')
    const bad = await get(`${e.url}/v1.0/event/callbacks/failedResults`, {
      'x-acs-dingtalk-access-token': 'nope',
    })
    expect(bad.body.code).toBe('InvalidAuthentication')
  })
})
