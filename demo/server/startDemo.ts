import { mkdir, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { createEmulatorClock, startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'
import { createDingTalkAuth } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkInstanceInput, Logger } from 'dingtalk-login-server'
import { toNodeHandler } from 'dingtalk-login-server/node'
import type { DemoCorp } from '../web/demoInfo'
import { buildPage } from './buildPage'
import { createDirectoryRoutes } from './createDirectoryRoutes'
import { createOrgChanges } from './createOrgChanges'
import { instancesFromFixture } from './instancesFromFixture'
import { loadSessionSecret } from './loadSessionSecret'
import { peopleFromFixture } from './peopleFromFixture'
import { PortInUseError, isAddressInUse } from './PortInUseError'
import { createPageRenderer } from './renderPage'
import { serveStaticFile } from './serveStaticFile'
import { startDirectorySync } from './startDirectorySync'

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
  /** The directory page (departments and people, live), e.g. `http://127.0.0.1:3000/directory`. */
  directoryUrl: string
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
  /** Stops the server, the directory sync, the emulator and the store, and removes the built page. */
  close(): Promise<void>
}

const BASE_PATH = '/api/auth/dingtalk'
/** Paths answered with the page itself; the page shows the view of its path. */
const PAGE_PATHS = new Set(['/', '/index.html', '/directory'])

/**
 * Starts the whole demo in this process: the DingTalk emulator (unless real credentials are given), the server
 * adapter on a SQLite file with directory sync over Stream mode against the emulator, and a `node:http` server that
 * serves the page (a Vite build of `demo/web`), mounts the adapter's routes under `/api/auth/dingtalk` through
 * `dingtalk-login-server/node`, and the directory page's demo-only routes under `/api/demo/directory`.
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
      // Login states, used codes, logged-out and revoked sessions, and the directory's event ids in the same file:
      // a restart keeps them too.
      stateStore: `sqlite:${databaseFile}`,
      session: { secret },
      ...(emulator
        ? {
            dingtalk: { apiBase: emulator.url, oapiBase: emulator.url, loginBase: emulator.url },
            now: () => clock.now(),
            // The emulator's apps subscribe to the address-book events in Stream mode; a leaver's sessions end at
            // once. Against the real DingTalk the demo leaves the directory alone (it needs console settings).
            directory: { events: 'stream' },
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

    const sync = emulator ? startDirectorySync(auth) : null
    if (sync) cleanups.push(() => sync.stop())
    const directoryRoutes = createDirectoryRoutes({
      auth,
      corps,
      sync,
      orgChanges: emulator ? createOrgChanges(emulator) : null,
    })

    const pageDir = await buildPage()
    cleanups.push(() => rm(pageDir, { recursive: true, force: true }))
    const renderPage = createPageRenderer({
      template: await readFile(join(pageDir, 'index.html'), 'utf8'),
      emulator,
      auth,
      endpoint: BASE_PATH,
      corps,
      people,
    })
    const apiListener = toNodeHandler(auth)

    const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://demo.invalid')
      if (url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`)) {
        return apiListener(req, res)
      }
      if (await directoryRoutes(req, res, url)) return
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end()
        return
      }
      if (!PAGE_PATHS.has(url.pathname)) {
        if (await serveStaticFile(res, pageDir, url.pathname)) return
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found')
        return
      }
      const page = renderPage(url)
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': page.contentSecurityPolicy,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      res.end(req.method === 'HEAD' ? undefined : page.html)
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
    const url = `http://${shownHost}:${address.port}`

    return {
      url,
      directoryUrl: `${url}/directory`,
      emulator,
      phoneUrl: emulator ? `${emulator.url}/__emulator/phone` : null,
      insideDingTalkUrl: people[0]
        ? `${url}/?${new URLSearchParams({ container: 'ios', corpId: people[0].corpId, userid: people[0].userid })}`
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
