import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'
import { createEmulatorClock, startEmulator } from 'dingtalk-emulator'
import type { EmulatorFixture, RunningEmulator } from 'dingtalk-emulator'
import { createDingTalkAuth } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkInstanceInput, Logger } from 'dingtalk-login-server'
import { toNodeHandler } from 'dingtalk-login-server/node'
import type { DemoContainer, DemoCorp, DemoInfo, DemoPerson } from '../web/demoInfo'
import { buildPage } from './buildPage'
import { instancesFromFixture } from './instancesFromFixture'

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Port of the demo server (page + `/api/auth/dingtalk`); `0` = any free port. @default 3000 */
  port?: number
  /** Port of the emulator; `0` = any free port. Ignored with real credentials. @default 4100 */
  emulatorPort?: number
  /** Interface both listen on. @default '127.0.0.1' */
  host?: string
  /** Folder of the SQLite file and the generated session secret. @default './data' */
  dataDir?: string
  /** Session signing secret (≥ 32 bytes). @default one generated on first start and kept in `<dataDir>/session-secret` */
  sessionSecret?: string
  /**
   * Real DingTalk credentials: a folder in the `auths/loginTypes/<name>/` layout, or instances. When given, no
   * emulator is started and the server talks to the real DingTalk.
   */
  instances?: string | DingTalkInstanceInput[]
  /** The public origin registered in the DingTalk console (`https://app.example.com`), with real credentials. */
  publicOrigin?: string
  /** Server-side log lines (masked by the adapter). @default warnings and errors on the console */
  logger?: Logger
}

/** A running demo. */
export interface RunningDemo {
  /** The page, e.g. `http://127.0.0.1:3000`. */
  url: string
  /** The emulator, `null` with real credentials. */
  emulator: RunningEmulator | null
  /** The emulator's phone page, `null` with real credentials. */
  phoneUrl: string | null
  /** The page as if opened inside DingTalk (iOS) by the first person of the fixture, `null` with real credentials. */
  insideDingTalkUrl: string | null
  /** The SQLite file. */
  databaseFile: string
  /** Whether the session secret was generated on this start (first start). */
  createdSecret: boolean
  auth: DingTalkAuth
  /** Stops the server, the emulator and the store, and removes the built page. */
  close(): Promise<void>
}

/** A port somebody else has: `npm start` turns this into one clear message. */
export class PortInUseError extends Error {
  readonly port: number
  /** `PORT` or `EMULATOR_PORT`. */
  readonly setting: 'PORT' | 'EMULATOR_PORT'

  constructor(port: number, setting: 'PORT' | 'EMULATOR_PORT', options?: { cause?: unknown }) {
    super(
      `port ${port} is already in use (${setting === 'PORT' ? 'the demo server' : 'the DingTalk emulator'})`,
      options,
    )
    this.name = 'PortInUseError'
    this.port = port
    this.setting = setting
  }
}

const BASE_PATH = '/api/auth/dingtalk'
const SECRET_FILE = 'session-secret'
const SAFE_PARAM = /^[\w-]{1,64}$/

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
}

const isAddressInUse = (error: unknown) => (error as { code?: string } | null)?.code === 'EADDRINUSE'

/** The session secret: `SESSION_SECRET`, else the one in the data folder, else a new one written there. */
async function loadSessionSecret(
  dataDir: string,
  given: string | undefined,
): Promise<{ secret: string; created: boolean }> {
  if (given) return { secret: given, created: false }
  const file = join(dataDir, SECRET_FILE)
  try {
    const stored = (await readFile(file, 'utf8')).trim()
    if (stored) return { secret: stored, created: false }
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error
  }
  const secret = randomBytes(32).toString('base64url')
  await writeFile(file, `${secret}\n`, { mode: 0o600 })
  await chmod(file, 0o600)
  return { secret, created: true }
}

/** People to open the page "inside DingTalk" as: members of the served corps, plus one of another corp. */
function peopleFromFixture(fixture: EmulatorFixture, corps: DemoCorp[]): DemoPerson[] {
  const names = new Map(fixture.corps.map((c) => [c.corpId, c.name]))
  const served = new Set(corps.map((c) => c.corpId))
  const people: DemoPerson[] = []
  for (const user of fixture.users) {
    for (const m of user.memberships) {
      if (!served.has(m.corpId) || !m.active || m.contactType === 1) continue
      people.push({
        name: m.name,
        userid: m.userid,
        corpId: m.corpId,
        corpName: names.get(m.corpId) ?? m.corpId,
      })
    }
  }
  return people
}

function readContainer(url: URL): DemoContainer | null {
  const platform = url.searchParams.get('container')
  const corpId = url.searchParams.get('corpId') ?? ''
  const userid = url.searchParams.get('userid') ?? ''
  const userCorpId = url.searchParams.get('userCorpId') || corpId
  if (platform !== 'ios' && platform !== 'android') return null
  if (![corpId, userid, userCorpId].every((value) => SAFE_PARAM.test(value))) return null
  return { platform, corpId, userid, userCorpId }
}

/** JSON that is safe inside an inline `<script>`. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

const escapeAttr = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/**
 * Starts the whole demo in this process: the DingTalk emulator (unless real credentials are given), the server
 * adapter on a SQLite file, and a `node:http` server that serves the page (a Vite build of `demo/web`) and
 * mounts the adapter's routes under `/api/auth/dingtalk` through `dingtalk-login-server/node`.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const host = options.host ?? '127.0.0.1'
  const dataDir = resolve(options.dataDir ?? 'data')
  await mkdir(dataDir, { recursive: true })
  const databaseFile = join(dataDir, 'dingtalk-login.sqlite')
  const { secret, created: createdSecret } = await loadSessionSecret(dataDir, options.sessionSecret)

  const cleanups: (() => Promise<void>)[] = []
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined)
  }

  try {
    let emulator: RunningEmulator | null = null
    let instances: string | DingTalkInstanceInput[]
    // One clock for the emulator and the server, so "expire the QR code" (advance the emulator clock) also ages
    // the server's login states, as real time would.
    const clock = createEmulatorClock()
    if (options.instances) {
      instances = options.instances
    } else {
      const port = options.emulatorPort ?? 4100
      try {
        emulator = await startEmulator({ port, host, clock })
      } catch (error) {
        if (isAddressInUse(error)) throw new PortInUseError(port, 'EMULATOR_PORT', { cause: error })
        throw error
      }
      const running = emulator
      cleanups.push(() => running.close())
      instances = instancesFromFixture(emulator.fixture)
    }

    const auth = await createDingTalkAuth({
      instances,
      store: `sqlite:${databaseFile}`,
      // Login states, used codes and logged-out sessions in the same file: a restart keeps them too.
      stateStore: `sqlite:${databaseFile}`,
      session: { secret },
      ...(emulator
        ? {
            dingtalk: { apiBase: emulator.url, oapiBase: emulator.url, loginBase: emulator.url },
            now: () => clock.now(),
          }
        : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      basePath: BASE_PATH,
      http: options.publicOrigin ? { publicOrigin: options.publicOrigin } : {},
    })
    cleanups.push(() => auth.close())

    const corpNames = new Map(emulator?.fixture.corps.map((c) => [c.corpId, c.name]) ?? [])
    const appNames = new Map(emulator?.fixture.apps.map((a) => [a.clientId, a.name]) ?? [])
    const corps: DemoCorp[] = auth.instances.map((instance) => ({
      corpId: instance.corpId,
      name: corpNames.get(instance.corpId) ?? instance.corpId,
      instance: instance.name,
      appName: appNames.get(instance.getLoginConfig().appKey) ?? instance.title,
    }))
    const people = emulator ? peopleFromFixture(emulator.fixture, corps) : []

    const pageDir = await buildPage()
    cleanups.push(() => rm(pageDir, { recursive: true, force: true }))
    const template = await readFile(join(pageDir, 'index.html'), 'utf8')
    const apiListener = toNodeHandler(auth)

    const renderPage = (url: URL): string => {
      const nonce = randomBytes(16).toString('base64')
      const container = emulator ? readContainer(url) : null
      const info: DemoInfo = {
        mode: emulator ? 'emulator' : 'dingtalk',
        emulatorUrl: emulator?.url ?? null,
        phoneUrl: emulator ? `${emulator.url}/__emulator/phone` : null,
        endpoint: BASE_PATH,
        nonce,
        corps,
        people,
        container,
      }
      let head = ''
      if (emulator && container) {
        // The container shim must run before dingtalk-jsapi: it sets DingTalk's user agent and native bridge.
        // Its corpId is the user's own organisation; the page asks for the workbench's (`?corpId=`).
        const appKey = auth.service.getAuthByCorpId(container.corpId)?.getLoginConfig().appKey
        const query = new URLSearchParams({
          corpId: container.userCorpId,
          userid: container.userid,
          platform: container.platform,
          ...(appKey ? { clientId: appKey } : {}),
        })
        head += `<script src="${escapeAttr(`${emulator.url}/__emulator/dd-container.js?${query}`)}"></script>`
      }
      head += `<script nonce="${nonce}">window.__DINGTALK_DEMO__=${inlineJson(info)}</script>`
      return template.replace('<meta name="demo-inject" />', head).replace('<meta name="demo-inject">', head)
    }

    const csp = (nonce: string) => {
      const emu = emulator ? ` ${emulator.url}` : ' https://g.alicdn.com'
      const login = emulator ? emulator.url : 'https://login.dingtalk.com'
      return [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'${emu}`,
        `frame-src ${login}`,
        `connect-src 'self'${emulator ? ` ${emulator.url}` : ''}`,
        "img-src 'self' data: https: http:",
        "style-src 'self' 'unsafe-inline'",
        "base-uri 'none'",
        "object-src 'none'",
      ].join('; ')
    }

    const serveFile = async (res: ServerResponse, pathname: string) => {
      const file = resolve(pageDir, `.${decodeURIComponent(pathname)}`)
      if (!file.startsWith(pageDir + sep)) return false
      let body: Buffer
      try {
        body = await readFile(file)
      } catch {
        return false
      }
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': body.byteLength,
        'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      })
      res.end(body)
      return true
    }

    const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://demo.invalid')
      if (url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`)) {
        return apiListener(req, res)
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end()
        return
      }
      if (url.pathname !== '/' && url.pathname !== '/index.html' && (await serveFile(res, url.pathname)))
        return
      if (url.pathname !== '/' && url.pathname !== '/index.html') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found')
        return
      }
      const html = renderPage(url)
      const nonce = /nonce="([^"]+)"/.exec(html)?.[1] ?? ''
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': csp(nonce),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      res.end(req.method === 'HEAD' ? undefined : html)
    }

    const server: Server = createServer((req, res) => {
      onRequest(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error')
        else res.destroy()
      })
    })
    const port = options.port ?? 3000
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (error) =>
        reject(isAddressInUse(error) ? new PortInUseError(port, 'PORT', { cause: error }) : error),
      )
      server.listen(port, host, () => resolveListen())
    })
    cleanups.push(
      () =>
        new Promise<void>((resolveClose) => {
          server.close(() => resolveClose())
          server.closeAllConnections()
        }),
    )
    const address = server.address() as AddressInfo
    const shownHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host

    return {
      url: `http://${shownHost}:${address.port}`,
      emulator,
      phoneUrl: emulator ? `${emulator.url}/__emulator/phone` : null,
      insideDingTalkUrl: people[0]
        ? `http://${shownHost}:${address.port}/?${new URLSearchParams({ container: 'ios', corpId: people[0].corpId, userid: people[0].userid })}`
        : null,
      databaseFile,
      createdSecret,
      auth,
      close: cleanup,
    }
  } catch (error) {
    await cleanup()
    throw error
  }
}
