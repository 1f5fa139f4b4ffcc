import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { startEmulator } from 'dingtalk-emulator'
import type { EmulatorOptions, RunningEmulator } from 'dingtalk-emulator'
import { createDingTalkAuth } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkInstanceInput, LogFn, Logger } from 'dingtalk-login-server'
import { toNodeHandler } from 'dingtalk-login-server/node'
import { buildTestApp } from './buildTestApp'
import type { TestAppBuild } from './buildTestApp'
import { instancesFromFixture } from '../../../demo/server/instancesFromFixture'

/** Where the server adapter's routes live; the emulator's apps accept `<origin>/api/auth/dingtalk/callback`. */
export const BASE_PATH = '/api/auth/dingtalk'

/** One line the server adapter logged at `warn` or above (already masked by the adapter). */
export interface ServerLogEntry {
  level: 'warn' | 'error'
  msg: string
  obj: Record<string, unknown>
}

/** The emulator, the server adapter on it, and the test page, all on loopback. */
export interface LoginStack {
  /** Origin of the page and of the adapter's routes, e.g. `http://127.0.0.1:41234`. */
  origin: string
  emulator: RunningEmulator
  auth: DingTalkAuth
  app: TestAppBuild
  /** One login instance per corp of the emulator's fixture (its first published app). */
  instances: DingTalkInstanceInput[]
  /** Returns and forgets what the server logged at `warn` or above since the last call. */
  takeServerLog(): ServerLogEntry[]
  /** Serves `html` at `path` on the stack's origin from now on (e.g. the bench's hand-written QR page). */
  servePage(path: string, html: string): void
  /** URL of the test page with the given query (see {@link renderPage} for what it understands). */
  pageUrl(query?: Record<string, string>): string
  close(): Promise<void>
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
}

const SAFE = /^[\w-]{1,64}$/

const escapeAttr = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/**
 * The page for a request: the built `index.html`, with the emulator's container shim first in `<head>` when the
 * query asks to be "inside DingTalk": `?container=ios|android&userid=…&corpId=…[&userCorpId=…]`. The shim's corp
 * is the user's own (`userCorpId`, default `corpId`); the SDK asks for the page's `corpId`, as DingTalk's
 * `$CORPID$` homepage placeholder would give it.
 */
function renderPage(
  stack: { app: TestAppBuild; emulator: RunningEmulator; instances: DingTalkInstanceInput[] },
  url: URL,
) {
  const platform = url.searchParams.get('container')
  let head = ''
  if (platform) {
    const corpId = url.searchParams.get('corpId') ?? ''
    const userid = url.searchParams.get('userid') ?? ''
    const userCorpId = url.searchParams.get('userCorpId') || corpId
    if (
      (platform !== 'ios' && platform !== 'android') ||
      ![corpId, userid, userCorpId].every((v) => SAFE.test(v))
    ) {
      throw new Error(`bad container query: ${url.search}`)
    }
    const appKey = stack.instances.find((i) => i.authConfig.corpId === corpId)?.authConfig.appKey
    const shim = new URLSearchParams({
      corpId: userCorpId,
      userid,
      platform,
      ...(appKey ? { clientId: appKey } : {}),
    })
    head = `<script src="${escapeAttr(`${stack.emulator.url}/__emulator/dd-container.js?${shim}`)}"></script>`
  }
  return stack.app.html.replace(/<meta name="container-shim"\s*\/?>/, head)
}

/**
 * Starts the DingTalk emulator, `createDingTalkAuth` on it (memory store, built-in sessions) and a `node:http`
 * server on 127.0.0.1:0 that mounts the adapter through `dingtalk-login-server/node` and serves the test page
 * from the same origin (the QR iframe posts to the `redirect_uri`'s origin).
 */
export async function startLoginStack(options: { emulator?: EmulatorOptions } = {}): Promise<LoginStack> {
  const cleanups: (() => Promise<unknown>)[] = []
  const close = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined)
  }
  try {
    const [app, emulator] = await Promise.all([
      buildTestApp(),
      startEmulator({ ...options.emulator, port: 0 }),
    ])
    cleanups.push(() => app.remove())
    cleanups.push(() => emulator.close())
    const instances = instancesFromFixture(emulator.fixture)
    // Kept for the tests to look at instead of printed: failures some tests provoke on purpose log errors.
    const serverLog: ServerLogEntry[] = []
    const record =
      (level: ServerLogEntry['level']): LogFn =>
      (objOrMsg: Record<string, unknown> | string, msg?: string) =>
        serverLog.push(
          typeof objOrMsg === 'string'
            ? { level, msg: objOrMsg, obj: {} }
            : { level, msg: msg ?? '', obj: objOrMsg },
        )
    const logger: Logger = { debug: () => {}, info: () => {}, warn: record('warn'), error: record('error') }
    const auth = await createDingTalkAuth({
      instances,
      store: 'memory',
      session: { secret: randomBytes(32).toString('base64url') },
      dingtalk: { apiBase: emulator.url, oapiBase: emulator.url, loginBase: emulator.url },
      basePath: BASE_PATH,
      http: { defaultInstance: instances[0]!.name },
      logger,
    })
    cleanups.push(() => auth.close())
    const api = toNodeHandler(auth)
    const stack = { app, emulator, instances }
    const extraPages = new Map<string, string>()

    const serveAsset = async (res: ServerResponse, pathname: string) => {
      const file = resolve(app.dir, `.${decodeURIComponent(pathname)}`)
      if (!file.startsWith(resolve(app.dir, 'assets') + sep)) return false
      const body = await readFile(file).catch(() => null)
      if (!body) return false
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' })
      res.end(body)
      return true
    }
    const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`)) return api(req, res)
      if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        res.end(renderPage(stack, url))
        return
      }
      const extraPage = req.method === 'GET' ? extraPages.get(url.pathname) : undefined
      if (extraPage !== undefined) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        res.end(extraPage)
        return
      }
      if (req.method === 'GET' && (await serveAsset(res, url.pathname))) return
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
    }
    const server = createServer((req, res) => {
      onRequest(req, res).catch((error: unknown) => {
        console.error(error)
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
        else res.destroy()
      })
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done())
          server.closeAllConnections()
        }),
    )
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return {
      origin,
      emulator,
      auth,
      app,
      instances,
      takeServerLog: () => serverLog.splice(0),
      servePage: (path, html) => {
        extraPages.set(path, html)
      },
      pageUrl: (query = {}) => {
        const search = new URLSearchParams(query).toString()
        return `${origin}/${search ? `?${search}` : ''}`
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
