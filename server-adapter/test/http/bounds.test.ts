import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createDingTalkHandler, createMemoryStateStore } from 'dingtalk-login-server'
import { toNodeHandler } from 'dingtalk-login-server/node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { APP_A, ZHANG_WEI, createTestAuth, mintOAuthCode, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { TestBrowser, errorOf, sendOverNetwork } from './browser'

const ORIGIN = 'http://127.0.0.1:3000'
const SECRET = 'bounds-test-session-secret-of-32-bytes!!'

let emu: RunningEmulator
let auth: DingTalkAuth
let t: number

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
})
beforeEach(async () => {
  emu.reset()
  t = Date.now()
  auth = await createTestAuth(emu, { now: () => t, clientIds: [APP_A] })
})

const client = (id: string) => ({ 'x-test-client': id })

describe('per-client rate limit (defect 7)', () => {
  it('answers rate_limited (429, Retry-After) past the limit, per client, and lets the window pass', async () => {
    const http = createDingTalkHandler(auth, {
      session: { secret: SECRET },
      rateLimit: { max: 5, windowMs: 60_000, clientKey: (request) => request.headers.get('x-test-client') },
    })
    const b = new TestBrowser(ORIGIN, http.handler)
    for (let i = 0; i < 5; i++) expect((await b.get('config', client('a'))).status).toBe(200)
    const refused = await b.get('config', client('a'))
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(await errorOf(refused)).toEqual({
      status: 429,
      code: 'rate_limited',
      message: 'Too many requests; please try again later',
    })
    expect((await b.get('authorize', client('a'))).status).toBe(429)
    expect((await b.get('config', client('b'))).status).toBe(200)
    t += 60_000
    expect((await b.get('config', client('a'))).status).toBe(200)
  })

  it('does not hurt a real browser: three tabs refreshing every 9 minutes for an hour, then a login', async () => {
    const http = createDingTalkHandler(auth, {
      session: { secret: SECRET },
      rateLimit: { clientKey: () => 'one office behind one address' },
    })
    const b = new TestBrowser(ORIGIN, http.handler)
    let state = ''
    for (let minute = 0; minute <= 60; minute += 9) {
      for (let tab = 0; tab < 3; tab++) {
        const response = await b.get('config')
        expect(response.status).toBe(200)
        state = ((await response.json()) as { state: string }).state
      }
      t += 9 * 60_000
    }
    t -= 9 * 60_000
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    expect((await b.post('login/qr', { code, state, platform: 'web' })).status).toBe(200)
  })

  it('limits by the socket address the Node adapter saw when no clientKey is given', async () => {
    const http = createDingTalkHandler(auth, { session: { secret: SECRET }, rateLimit: { max: 2 } })
    const server = createServer(toNodeHandler(http))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const b = new TestBrowser(origin, sendOverNetwork)
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await b.get('config')).status)
      expect(statuses).toEqual([200, 200, 429])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('anonymous state creation in the memory store (defect 7)', () => {
  it('stays bounded under a flood: the newest states work, the oldest are dropped', async () => {
    const stateStore = createMemoryStateStore({ now: () => t, maxLoginStates: 200 })
    const http = createDingTalkHandler(auth, { session: { secret: SECRET }, stateStore })
    const flood = new TestBrowser(ORIGIN, http.handler)
    for (let i = 0; i < 1_000; i++) await flood.get('config')
    const b = new TestBrowser(ORIGIN, http.handler)
    const { state } = (await (await b.get('config')).json()) as { state: string }
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    expect((await b.post('login/qr', { code, state, platform: 'web' })).status).toBe(200)
  })
})
