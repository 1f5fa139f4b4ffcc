import { request as httpRequest } from 'node:http'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { expect } from 'vitest'
import { TestBrowser, errorOf } from '../http/browser'
import type { Send } from '../http/browser'
import {
  APP_A,
  CORP_B,
  EP,
  ZHANG_WEI,
  ZHAO_MIN,
  calls,
  createTestAuth,
  instancesFor,
  mintFreeLoginCode,
  mintOAuthCode,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

export const SECRET = 'adapter-test-session-secret-32-bytes-min'

/** A login core pointed at the emulator, serving HTTP with built-in sessions (`auth.handler`). */
export async function createAdapterAuth(emu: RunningEmulator): Promise<DingTalkAuth> {
  return createTestAuth(emu, {
    session: { secret: SECRET },
    http: { defaultInstance: instancesFor(emu, [APP_A])[0]!.name },
  })
}

/**
 * The full QR login through a mounted handler: config → state cookie → emulator-minted code → login → session
 * (cookie, then Bearer) → logout → no session; then a workbench login of a person of the other corp.
 */
export async function qrAndWorkbenchRoundTrip(
  emu: RunningEmulator,
  origin: string,
  send: Send,
): Promise<void> {
  const b = new TestBrowser(origin, send)
  const configResponse = await b.get('config')
  expect(configResponse.status).toBe(200)
  expect(configResponse.headers.get('cache-control')).toBe('no-store')
  const config = (await configResponse.json()) as {
    state: string
    appKey: string
    redirectUri: string
    loginOrigin: string
  }
  expect(config).toMatchObject({
    appKey: APP_A,
    redirectUri: `${origin}/api/auth/dingtalk/callback`,
    loginOrigin: emu.url,
  })
  expect(b.jar.get('dingtalk_login_state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  expect(b.jar.get('dingtalk_login_state')).not.toBe(config.state)

  const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
  const before = calls(emu)[EP.userToken] ?? 0
  const login = await b.post('login/qr', { code, state: config.state, platform: 'web' })
  expect(login.status).toBe(200)
  const result = (await login.json()) as {
    userId: string
    binding: { dingUserId: string }
    session: { token: string }
  }
  expect(result.binding.dingUserId).toBe(ZHANG_WEI.userid)
  expect(calls(emu)[EP.userToken]).toBe(before + 1)
  expect(b.jar.get('dingtalk_session')).toBe(result.session.token)

  const session = await b.get('session')
  expect(session.status).toBe(200)
  expect(((await session.json()) as { user: { id: string } }).user.id).toBe(result.userId)
  const bare = new TestBrowser(origin, send)
  expect((await bare.get('session', { authorization: `Bearer ${result.session.token}` })).status).toBe(200)

  const logout = await b.request('logout', { method: 'POST', headers: { origin } })
  expect(logout.status).toBe(204)
  expect(b.jar.has('dingtalk_session')).toBe(false)
  expect((await errorOf(await b.get('session'))).code).toBe('unauthenticated')

  const w = new TestBrowser(origin, send)
  const authCode = await mintFreeLoginCode(emu, { corpId: CORP_B, userid: ZHAO_MIN.userid })
  const workbench = await w.post('login/workbench', { corpId: CORP_B, authCode, platform: 'android' })
  expect(workbench.status).toBe(200)
  expect(((await workbench.json()) as { binding: { corpId: string } }).binding.corpId).toBe(CORP_B)
  expect((await w.get('session')).status).toBe(200)
}

/** Negative requests through a mounted handler, each answering the documented code. */
export async function negativeRoundTrip(
  origin: string,
  send: Send,
  options: { hostParsesJson?: boolean } = {},
): Promise<void> {
  const b = new TestBrowser(origin, send)
  const { state } = (await (await b.get('config')).json()) as { state: string }
  const form = await b.request('login/qr', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    body: `code=abc&state=${state}&platform=web`,
  })
  expect(await errorOf(form)).toMatchObject({ status: 415, code: 'unsupported_media_type' })
  const malformed = await b.post('login/qr', '{"code":')
  // A host that parses JSON before the adapter answers malformed JSON itself (still a 400, in its own format).
  if (options.hostParsesJson) expect(malformed.status).toBe(400)
  else expect(await errorOf(malformed)).toMatchObject({ status: 400, code: 'invalid_request', field: 'body' })
  expect(
    await errorOf(await b.post('login/qr', { code: 'x'.repeat(20_000), state, platform: 'web' })),
  ).toMatchObject({
    status: 413,
    code: 'payload_too_large',
  })
  expect(
    await errorOf(await b.post('login/qr', { code: 'abc', state: 'A'.repeat(43), platform: 'web' })),
  ).toMatchObject({
    status: 400,
    code: 'invalid_state',
  })
  expect(
    await errorOf(
      await b.post('login/qr', { code: 'abc', state, platform: 'web' }, { origin: 'https://evil.example' }),
    ),
  ).toMatchObject({
    status: 400,
    field: 'origin',
  })
  expect(await errorOf(await b.get('config?corpId=dingnotconfigured'))).toMatchObject({
    status: 404,
    code: 'unknown_corp',
  })
  expect(await errorOf(await b.get('session', { authorization: 'Bearer a.b.c' }))).toMatchObject({
    status: 401,
  })
}

/**
 * A 1 MB body announced by Content-Length over a raw socket: answered 413 at once and the connection closed,
 * with (far) less than the body sent having been read.
 */
export function oversizedOverSocket(
  origin: string,
): Promise<{ status: number; code: string; connection: string | undefined }> {
  const url = new URL('/api/auth/dingtalk/login/qr', origin)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(1024 * 1024), origin },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          try {
            const body = JSON.parse(text) as { error: { code: string } }
            resolve({
              status: res.statusCode ?? 0,
              code: body.error.code,
              connection: res.headers.connection,
            })
          } catch (error) {
            reject(error as Error)
          }
          req.destroy()
        })
      },
    )
    req.on('error', () => undefined) // the server closing while we still "send" is expected
    req.write('{"code":"')
    // Never send the rest: the answer must come without it.
  })
}

/**
 * The full-page redirect login through a mounted handler: `GET /authorize` answers 302 to DingTalk's login page
 * with the state cookie; the emulator's scan sends the browser to `/callback`, which answers 302 to `returnTo`
 * with the session cookie.
 */
export async function redirectRoundTrip(emu: RunningEmulator, origin: string, send: Send): Promise<void> {
  const b = new TestBrowser(origin, send)
  const authorize = await b.get('authorize?returnTo=%2Fdashboard')
  expect(authorize.status).toBe(302)
  const location = new URL(authorize.headers.get('location')!)
  expect(`${location.origin}${location.pathname}`).toBe(`${emu.url}/oauth2/auth`)
  expect(b.jar.has('dingtalk_login_state')).toBe(true)
  expect((await fetch(location)).status).toBe(200) // the login page, waiting for a scan
  const scanned = (await (
    await fetch(`${emu.url}/__emulator/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: APP_A, userid: ZHANG_WEI.userid, approve: true }),
    })
  ).json()) as { redirectUrl: string }
  expect(scanned.redirectUrl.startsWith(`${origin}/api/auth/dingtalk/callback?`)).toBe(true)
  const callback = await b.get(scanned.redirectUrl)
  expect(callback.status).toBe(302)
  expect(callback.headers.get('location')).toBe(`${origin}/dashboard`)
  expect(b.jar.has('dingtalk_session')).toBe(true)
}
