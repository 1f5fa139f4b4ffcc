import { createDingTalkHandler } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkHandlerOptions } from 'dingtalk-login-server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { APP_A, createTestAuth, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { TestBrowser } from './browser'

// What the app's own listener sees: the proxy's request to it.
const UPSTREAM = 'http://10.0.0.5:3000'
const SECRET = 'trust-proxy-test-session-secret-32-bytes!'

let emu: RunningEmulator
let auth: DingTalkAuth

beforeAll(async () => {
  emu = await startTestEmulator()
})
afterAll(async () => {
  await emu.close()
})
beforeEach(async () => {
  emu.reset()
  auth = await createTestAuth(emu, { clientIds: [APP_A] })
})

function browserBehindProxy(options: DingTalkHandlerOptions): TestBrowser {
  return new TestBrowser(
    UPSTREAM,
    createDingTalkHandler(auth, { session: { secret: SECRET }, ...options }).handler,
  )
}

async function configStatuses(b: TestBrowser, forwardedFor: (i: number) => string): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < 5; i++)
    statuses.push((await b.get('config', { 'x-forwarded-for': forwardedFor(i) })).status)
  return statuses
}

describe('the rate limit behind a proxy (trustProxy)', () => {
  it('counts the address the proxy saw, not the X-Forwarded-For entries a client sends ahead of it', async () => {
    const b = browserBehindProxy({ rateLimit: { max: 2 }, trustProxy: true })
    // The proxy appends the address it saw (203.0.113.7) to whatever the client sent.
    expect(await configStatuses(b, (i) => `10.9.8.${i}, 203.0.113.7`)).toEqual([200, 200, 429, 429, 429])
    expect((await b.get('config', { 'x-forwarded-for': '198.51.100.4' })).status).toBe(200)
  })

  it('with trustProxy: 2 (a CDN, then a load balancer) counts the address the outer proxy saw', async () => {
    const b = browserBehindProxy({ rateLimit: { max: 2 }, trustProxy: 2 })
    expect(await configStatuses(b, (i) => `10.9.8.${i}, 203.0.113.7, 192.0.2.10`)).toEqual([
      200, 200, 429, 429, 429,
    ])
    // Another person through the same CDN node is another client.
    expect((await b.get('config', { 'x-forwarded-for': '198.51.100.4, 192.0.2.10' })).status).toBe(200)
  })

  it('refuses a trustProxy that is neither a boolean nor a count of proxies', () => {
    expect(() => createDingTalkHandler(auth, { session: { secret: SECRET }, trustProxy: -1 })).toThrow(
      /trustProxy/,
    )
    expect(() => createDingTalkHandler(auth, { session: { secret: SECRET }, trustProxy: 1.5 })).toThrow(
      /trustProxy/,
    )
  })
})

describe('the origin behind a proxy (trustProxy)', () => {
  const redirectUriOf = async (b: TestBrowser, headers: Record<string, string>) =>
    ((await (await b.get('config', headers)).json()) as { redirectUri: string }).redirectUri

  it('takes X-Forwarded-Proto and -Host from what the proxy appended, not what the client sent', async () => {
    const b = browserBehindProxy({ trustProxy: true })
    const forwarded = {
      'x-forwarded-proto': 'http, https',
      'x-forwarded-host': 'evil.example, app.example.com',
    }
    expect(await redirectUriOf(b, forwarded)).toBe('https://app.example.com/api/auth/dingtalk/callback')
    const response = await b.get('config', forwarded)
    expect(response.headers.get('set-cookie')).toMatch(/^__Host-dingtalk_login_state=.*; Secure/)
    // A proxy that sets the headers (one entry each) works as before.
    expect(
      await redirectUriOf(b, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' }),
    ).toBe('https://app.example.com/api/auth/dingtalk/callback')
  })

  it('with trustProxy: 2 takes the entries the outer proxy wrote', async () => {
    const b = browserBehindProxy({ trustProxy: 2 })
    const uri = await redirectUriOf(b, {
      'x-forwarded-proto': 'http, https, http',
      'x-forwarded-host': 'evil.example, app.example.com, lb.internal',
    })
    expect(uri).toBe('https://app.example.com/api/auth/dingtalk/callback')
  })

  it('without trustProxy ignores the forwarded headers', async () => {
    const b = browserBehindProxy({})
    expect(
      await redirectUriOf(b, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' }),
    ).toBe(`${UPSTREAM}/api/auth/dingtalk/callback`)
  })
})
