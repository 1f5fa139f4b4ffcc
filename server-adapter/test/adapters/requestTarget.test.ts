import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { requireDingTalkSession as expressGuard, toExpressHandler } from 'dingtalk-login-server/express'
import { toFastifyPlugin } from 'dingtalk-login-server/fastify'
import { toHonoHandler } from 'dingtalk-login-server/hono'
import { toKoaHandler } from 'dingtalk-login-server/koa'
import { toNodeHandler } from 'dingtalk-login-server/node'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import Koa from 'koa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_A, createTestAuth, instancesFor, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { SECRET } from './scenario'
import { createTestServers } from './testServers'

let emu: RunningEmulator
let auth: DingTalkAuth
let atRoot: DingTalkAuth
const servers = createTestServers()

beforeAll(async () => {
  emu = await startTestEmulator()
  const options = {
    session: { secret: SECRET },
    http: { defaultInstance: instancesFor(emu, [APP_A])[0]!.name },
  }
  auth = await createTestAuth(emu, options)
  atRoot = await createTestAuth(emu, { ...options, basePath: '/' })
})
afterAll(async () => {
  await servers.closeAll()
  await auth.close()
  await atRoot.close()
  await emu.close()
})

/** A GET with exactly this request target on the wire (what `fetch` would normalise away). */
function getTarget(
  origin: string,
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: target, method: 'GET', headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function expectRefused(origin: string, target: string, headers: Record<string, string> = {}) {
  const { status, body } = await getTarget(origin, target, headers)
  expect(status).toBe(400)
  expect(JSON.parse(body)).toMatchObject({ error: { code: 'invalid_request', field: 'path' } })
  expect(body).not.toContain('evil.example')
}

describe('node:http: the request target is a path on this server, never another origin', () => {
  it('refuses //host/… and absolute-form targets with 400 instead of answering for evil.example', async () => {
    const origin = await servers.listen(createServer(toNodeHandler(auth)))
    await expectRefused(origin, '//evil.example/api/auth/dingtalk/config')
    await expectRefused(origin, 'http://evil.example/api/auth/dingtalk/config')
    await expectRefused(origin, '*')
    // A Host that is not a host[:port] names no origin either.
    await expectRefused(origin, '/api/auth/dingtalk/config', { host: 'evil.example/x?' })
    const ok = await getTarget(origin, '/api/auth/dingtalk/config')
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body)).toMatchObject({ redirectUri: `${origin}/api/auth/dingtalk/callback` })
  })

  it('answers the refusal in the language of the request', async () => {
    const origin = await servers.listen(createServer(toNodeHandler(auth)))
    const { body } = await getTarget(origin, '//evil.example/api/auth/dingtalk/config', {
      'accept-language': 'zh-CN',
    })
    expect(JSON.parse(body)).toMatchObject({ error: { message: '请求参数无效' } })
  })
})

describe('every adapter mounted at the root refuses //host/… targets', () => {
  const mounts: { name: string; start: () => Promise<string> }[] = [
    { name: 'node:http', start: () => servers.listen(createServer(toNodeHandler(atRoot))) },
    {
      name: 'express',
      start: () => {
        const app = express()
        app.use(toExpressHandler(atRoot))
        return servers.listen(createServer(app))
      },
    },
    {
      name: 'koa',
      start: () => {
        const app = new Koa()
        app.use(toKoaHandler(atRoot))
        return servers.listen(createServer(app.callback()))
      },
    },
    {
      name: 'fastify',
      start: async () => {
        const app = Fastify()
        await app.register(toFastifyPlugin(atRoot))
        await app.listen({ port: 0, host: '127.0.0.1' })
        servers.onClose(() => app.close())
        return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
      },
    },
    {
      name: 'hono (its server keeps //evil.example as the path: no such route)',
      start: () => {
        const app = new Hono()
        app.all('/*', toHonoHandler(atRoot))
        return servers.serveHono(app)
      },
    },
  ]

  for (const mount of mounts) {
    it(mount.name, async () => {
      const origin = await mount.start()
      await expectRefused(origin, '//evil.example/config')
      expect((await getTarget(origin, '/config')).status).toBe(200)
    })
  }
})

describe('session guards', () => {
  it('read no session from a request whose target is not a path', async () => {
    const app = express()
    app.get('/*splat', expressGuard(auth), (_req, res) => res.json({ ok: true }))
    const origin = await servers.listen(createServer(app))
    const { status, body } = await getTarget(origin, '//evil.example/me')
    expect(status).toBe(401)
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'unauthenticated' } })
  })
})
