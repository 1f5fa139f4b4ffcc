import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createDingTalkAuth } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { requireDingTalkSession as expressGuard, toExpressHandler } from 'dingtalk-login-server/express'
import {
  decorateDingTalkSession,
  requireDingTalkSession as fastifyGuard,
  toFastifyPlugin,
} from 'dingtalk-login-server/fastify'
import { requireDingTalkSession as honoGuard, toHonoHandler } from 'dingtalk-login-server/hono'
import { requireDingTalkSession as koaGuard, toKoaHandler } from 'dingtalk-login-server/koa'
import { getDingTalkSession, toNextJsHandler, withDingTalkSession } from 'dingtalk-login-server/next'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import Koa from 'koa'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { TestBrowser, errorOf, sendOverNetwork } from '../http/browser'
import {
  APP_A,
  ZHANG_WEI,
  addFault,
  instancesFor,
  mintOAuthCode,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { SECRET, createAdapterAuth } from './scenario'
import { createTestServers } from './testServers'

let emu: RunningEmulator
let auth: DingTalkAuth
const servers = createTestServers()

beforeAll(async () => {
  emu = await startTestEmulator()
  auth = await createAdapterAuth(emu)
})
afterAll(async () => {
  await servers.closeAll()
  await auth.close()
  await emu.close()
})
afterEach(() => {
  vi.unstubAllEnvs()
})

/** Signs in through the mounted routes; returns the browser (holding the session cookie) and the user id. */
async function signIn(origin: string): Promise<{ b: TestBrowser; userId: string }> {
  const b = new TestBrowser(origin, sendOverNetwork)
  const { state } = (await (await b.get('config')).json()) as { state: string }
  const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
  const login = await b.post('login/qr', { code, state, platform: 'web' })
  expect(login.status).toBe(200)
  return { b, userId: ((await login.json()) as { userId: string }).userId }
}

/** The guard lets the signed-in browser in, refuses others, and refuses it again once its user is revoked. */
async function guardRoundTrip(origin: string): Promise<void> {
  const anonymous = await errorOf(await new TestBrowser(origin, sendOverNetwork).get(`${origin}/me`))
  expect(anonymous).toMatchObject({ status: 401, code: 'unauthenticated' })
  const { b, userId } = await signIn(origin)
  const me = await b.get(`${origin}/me`)
  expect(me.status).toBe(200)
  expect(await me.json()).toEqual({ userId, unionId: ZHANG_WEI.unionId })
  expect(await auth.sessions.revokeUser(userId)).toBeGreaterThan(0)
  expect(await errorOf(await b.get(`${origin}/me`))).toMatchObject({ status: 401, code: 'unauthenticated' })
}

describe('session guards with their real frameworks', () => {
  it('express: requireDingTalkSession middleware, person in res.locals', async () => {
    const app = express()
    app.use(toExpressHandler(auth))
    app.get('/me', expressGuard(auth), (_req, res) => {
      const { user, binding } = res.locals.dingtalkSession as {
        user: { id: string }
        binding: { unionId: string }
      }
      res.json({ userId: user.id, unionId: binding.unionId })
    })
    await guardRoundTrip(await servers.listen(createServer(app)))
  })

  it('koa: requireDingTalkSession middleware, person in ctx.state', async () => {
    const app = new Koa()
    app.use(toKoaHandler(auth))
    app.use(async (ctx, next) => {
      if (ctx.path !== '/me') return next()
      await koaGuard(auth)(ctx, async () => {
        const { user, binding } = ctx.state.dingtalkSession
        ctx.body = { userId: user.id, unionId: binding.unionId }
      })
    })
    await guardRoundTrip(await servers.listen(createServer(app.callback())))
  })

  it('fastify: requireDingTalkSession preHandler, person decorated on the request', async () => {
    const app = Fastify()
    decorateDingTalkSession(app)
    await app.register(toFastifyPlugin(auth))
    app.get('/me', { preHandler: fastifyGuard(auth) }, async (request) => ({
      userId: request.dingtalkSession!.user.id,
      unionId: request.dingtalkSession!.binding.unionId,
    }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    servers.onClose(() => app.close())
    const { port } = app.server.address() as AddressInfo
    await guardRoundTrip(`http://127.0.0.1:${port}`)
  })

  it('hono: requireDingTalkSession middleware, person in c.get', async () => {
    const app = new Hono()
    app.all('/api/auth/dingtalk/*', toHonoHandler(auth))
    app.get('/me', honoGuard(auth), (c) => {
      const { user, binding } = c.get('dingtalkSession')
      return c.json({ userId: user.id, unionId: binding.unionId })
    })
    await guardRoundTrip(await servers.serveHono(app))
  })
})

describe('next: route handlers and server components', () => {
  it('withDingTalkSession and getDingTalkSession with web Requests, headers() and cookies() inputs', async () => {
    const origin = 'http://localhost:3000'
    const { GET, POST } = toNextJsHandler(auth)
    const send = (request: Request) => (request.method === 'GET' ? GET(request) : POST(request))
    const b = new TestBrowser(origin, send)
    const { state } = (await (await b.get('config')).json()) as { state: string }
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const { userId } = (await (await b.post('login/qr', { code, state, platform: 'web' })).json()) as {
      userId: string
    }
    const token = b.jar.get('dingtalk_session')!
    const route = withDingTalkSession(auth, async (_request, session) => Response.json(session.user))
    const cookie = `dingtalk_session=${token}`
    expect(
      await (await route(new Request(`${origin}/api/me`, { headers: { cookie } }))).json(),
    ).toMatchObject({
      id: userId,
    })
    expect(await errorOf(await route(new Request(`${origin}/api/me`)))).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    })
    // Server components: what headers() and cookies() of next/headers give under `next dev` on plain http.
    vi.stubEnv('NODE_ENV', 'development')
    const headers = new Headers({ cookie, host: 'localhost:3000' })
    expect((await getDingTalkSession(auth, headers))?.user.id).toBe(userId)
    const cookies = { getAll: () => [{ name: 'dingtalk_session', value: token }] }
    expect((await getDingTalkSession(auth, cookies))?.binding.unionId).toBe(ZHANG_WEI.unionId)
    expect(await getDingTalkSession(auth, { getAll: () => [] })).toBeNull()
    await auth.sessions.revokeUser(userId)
    expect(await getDingTalkSession(auth, cookies)).toBeNull()
    expect((await route(new Request(`${origin}/api/me`, { headers: { cookie } }))).status).toBe(401)
  })

  it('shares the lazily created login of toNextJsHandler(() => createDingTalkAuth(…)): a logout counts at once', async () => {
    let created = 0
    const createAuth = () => {
      created++
      return createDingTalkAuth({
        instances: instancesFor(emu, [APP_A]),
        store: 'memory',
        session: { secret: SECRET },
        // A cookies() store tells no scheme: the public origin says it is plain http.
        http: { publicOrigin: 'http://localhost:3000' },
        dingtalk: { apiBase: emu.url, oapiBase: emu.url, loginBase: emu.url },
      })
    }
    const origin = 'http://localhost:3000'
    const { GET, POST } = toNextJsHandler(createAuth)
    const send = (request: Request) => (request.method === 'GET' ? GET(request) : POST(request))
    const b = new TestBrowser(origin, send)
    const { state } = (await (await b.get('config')).json()) as { state: string }
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    expect((await b.post('login/qr', { code, state, platform: 'web' })).status).toBe(200)
    const cookies = { getAll: () => [{ name: 'dingtalk_session', value: b.jar.get('dingtalk_session')! }] }
    expect(await getDingTalkSession(createAuth, cookies)).not.toBeNull()
    await b.request('logout', { method: 'POST', headers: { origin } })
    expect(await getDingTalkSession(createAuth, cookies)).toBeNull()
    expect(created).toBe(1)
    await (await createAuth.call(null)).close()
  })
})

describe('client disconnect (defect 8)', () => {
  it('the Node adapters hand the handler a signal that aborts when the client goes away', async () => {
    const seen: Request[] = []
    const watched = {
      basePath: auth.basePath,
      handler: (request: Request) => (seen.push(request), auth.handler(request)),
    }
    const app = express()
    app.use(toExpressHandler(watched))
    const origin = await servers.listen(createServer(app))
    const b = new TestBrowser(origin, sendOverNetwork)
    const { state } = (await (await b.get('config')).json()) as { state: string }
    await addFault(emu, { endpoint: 'POST /v1.0/oauth2/userAccessToken', latencyMs: 1_500, count: 1 })
    const code = await mintOAuthCode(emu, { clientId: APP_A, userid: ZHANG_WEI.userid })
    const controller = new AbortController()
    const pending = fetch(`${origin}/api/auth/dingtalk/login/qr`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin,
        cookie: `dingtalk_login_state=${b.jar.get('dingtalk_login_state')}`,
      },
      body: JSON.stringify({ code, state, platform: 'web' }),
      signal: controller.signal,
    }).catch(() => 'aborted')
    await new Promise((resolve) => setTimeout(resolve, 300))
    const login = seen.at(-1)!
    expect(login.signal.aborted).toBe(false)
    controller.abort()
    expect(await pending).toBe('aborted')
    await expect.poll(() => login.signal.aborted, { timeout: 2_000 }).toBe(true)
  })
})
