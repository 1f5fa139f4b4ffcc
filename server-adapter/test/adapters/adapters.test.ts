import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { toExpressHandler } from 'dingtalk-login-server/express'
import { toFastifyHandler, toFastifyPlugin } from 'dingtalk-login-server/fastify'
import { toHonoHandler } from 'dingtalk-login-server/hono'
import { toKoaHandler } from 'dingtalk-login-server/koa'
import { toNextJsHandler } from 'dingtalk-login-server/next'
import { toNodeHandler } from 'dingtalk-login-server/node'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import Koa from 'koa'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { sendOverNetwork } from '../http/browser'
import { startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import {
  createAdapterAuth,
  negativeRoundTrip,
  oversizedOverSocket,
  qrAndWorkbenchRoundTrip,
  redirectRoundTrip,
} from './scenario'
import { createTestServers } from './testServers'

let emu: RunningEmulator
let http: DingTalkAuth
const servers = createTestServers()

beforeAll(async () => {
  emu = await startTestEmulator()
  http = await createAdapterAuth(emu)
})
afterAll(async () => {
  await servers.closeAll()
  await http.close()
  await emu.close()
})
beforeEach(() => emu.reset())

/** Reads a JSON body the way a host's own parser would, before the adapter runs. */
async function parseJsonLikeAHost(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return text
  }
}

type Mount = {
  name: string
  start: () => Promise<string>
  rawBodies: boolean
  /** The host's own JSON parser runs first (and answers malformed JSON itself). */
  hostParsesJson?: boolean
  /** Status the host answers for a path outside the base path, for middleware mounts. */
  hostFallback?: number
}

const mounts: Mount[] = [
  {
    name: 'node:http (raw body)',
    rawBodies: true,
    start: () => servers.listen(createServer(toNodeHandler(http))),
  },
  {
    name: 'node:http (body parsed by the host)',
    rawBodies: false,
    start: () => {
      const handle = toNodeHandler(http)
      return servers.listen(
        createServer((req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
          void parseJsonLikeAHost(req).then((body) => {
            req.body = body
            return handle(req, res)
          })
        }),
      )
    },
  },
  {
    name: 'express (no body parser)',
    rawBodies: true,
    hostFallback: 418,
    start: () => {
      const app = express()
      app.use(toExpressHandler(http))
      app.use((_req, res) => res.status(418).end())
      return servers.listen(createServer(app))
    },
  },
  {
    name: 'express (express.json() and urlencoded in front)',
    rawBodies: false,
    hostParsesJson: true,
    hostFallback: 404,
    start: () => {
      const app = express()
      app.use(express.json(), express.urlencoded({ extended: false }))
      app.use(toExpressHandler(http))
      return servers.listen(createServer(app))
    },
  },
  {
    name: 'fastify (plugin, raw body)',
    rawBodies: true,
    start: async () => {
      const app = Fastify()
      await app.register(toFastifyPlugin(http))
      await app.listen({ port: 0, host: '127.0.0.1' })
      servers.onClose(() => app.close())
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    },
  },
  {
    name: 'fastify (route, fastify parses JSON)',
    rawBodies: false,
    hostParsesJson: true,
    start: async () => {
      const app = Fastify()
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
        done(null, body),
      )
      app.all('/api/auth/dingtalk/*', toFastifyHandler(http))
      await app.listen({ port: 0, host: '127.0.0.1' })
      servers.onClose(() => app.close())
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    },
  },
  {
    name: 'koa (no body parser)',
    rawBodies: true,
    hostFallback: 404,
    start: () => {
      const app = new Koa()
      app.use(toKoaHandler(http))
      return servers.listen(createServer(app.callback()))
    },
  },
  {
    name: 'koa (a body parser in front)',
    rawBodies: false,
    hostFallback: 404,
    start: () => {
      const app = new Koa()
      app.use(async (ctx, next) => {
        ;(ctx.request as { body?: unknown }).body = await parseJsonLikeAHost(ctx.req)
        await next()
      })
      app.use(toKoaHandler(http))
      return servers.listen(createServer(app.callback()))
    },
  },
  {
    name: 'hono on @hono/node-server',
    rawBodies: true,
    start: async () => {
      const app = new Hono()
      app.all('/api/auth/dingtalk/*', toHonoHandler(http))
      return servers.serveHono(app)
    },
  },
  {
    name: 'hono (a middleware read the JSON first)',
    rawBodies: false,
    start: async () => {
      const app = new Hono()
      app.use('*', async (c, next) => {
        if (c.req.header('content-type')?.startsWith('application/json'))
          await c.req.json().catch(() => undefined)
        else if (c.req.method === 'POST') await c.req.text()
        await next()
      })
      app.all('/api/auth/dingtalk/*', toHonoHandler(http))
      return servers.serveHono(app)
    },
  },
]

describe.each(mounts)('$name', (mount) => {
  let origin: string
  beforeAll(async () => {
    origin = await mount.start()
  })

  it('runs a QR login and a workbench login against the emulator', async () => {
    await qrAndWorkbenchRoundTrip(emu, origin, sendOverNetwork)
  })

  it('answers every refusal in the documented shape', async () => {
    await negativeRoundTrip(origin, sendOverNetwork, { hostParsesJson: mount.hostParsesJson ?? false })
  })

  it('answers the full-page redirect login (authorize, callback) with 302 and Location', async () => {
    await redirectRoundTrip(emu, origin, sendOverNetwork)
  })

  // Only where the adapter streams the raw body: a host that parses first has read the body already.
  if (mount.rawBodies)
    it('answers a 1 MB announced body with 413 without waiting for it', async () => {
      expect(await oversizedOverSocket(origin)).toEqual({
        status: 413,
        code: 'payload_too_large',
        connection: 'close',
      })
    })

  // Only middleware mounts see other paths at all.
  if (mount.hostFallback !== undefined)
    it('leaves other paths to the host', async () => {
      const response = await fetch(`${origin}/somewhere-else`)
      expect(response.status).toBe(mount.hostFallback)
      expect(response.headers.get('cache-control')).not.toBe('no-store')
    })
})

describe('node:http behind a body parser that left the stream unread', () => {
  // Express 4's body-parser 1.x (a content type it does not parse) and @koa/bodyparser (a bodiless request)
  // set `req.body = {}` without reading the stream: that placeholder is no body.
  let origin: string
  beforeAll(async () => {
    const handle = toNodeHandler(http)
    origin = await servers.listen(
      createServer((req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
        req.body = {}
        void handle(req, res)
      }),
    )
  })

  it('streams the real JSON body of a login instead of the placeholder', async () => {
    await qrAndWorkbenchRoundTrip(emu, origin, sendOverNetwork)
  })

  it('sends no body for a bodiless POST /logout', async () => {
    const response = await fetch(`${origin}/api/auth/dingtalk/logout`, {
      method: 'POST',
      headers: { origin },
    })
    expect(response.status).toBe(204)
  })
})

describe('next (App Router handlers called with web Requests)', () => {
  it('runs a QR login and a workbench login, and every refusal', async () => {
    const { GET, POST } = toNextJsHandler(http)
    const send = (request: Request) => (request.method === 'GET' ? GET(request) : POST(request))
    await qrAndWorkbenchRoundTrip(emu, 'http://localhost:3000', send)
    await negativeRoundTrip('http://localhost:3000', send)
  })
})
