/**
 * CI block "Next.js as written": the server README's `route.ts` in a real Next.js app installed outside the workspace
 * from the packed packages (no lockfile: npm picks this platform's `@next/swc-*` package itself), checked with
 * `next dev` and with `next build && next start`: a full login round trip against the emulator, nothing created at
 * build time, and the packed `dingtalk-login-server doctor`.
 *
 * The app lists better-sqlite3 itself, as a Node 20 app must (Node 22+ has node:sqlite).
 *
 * Usage: tsx scripts/check-next-app.ts [--result .ci/next-app.json] [--keep] [--reuse-app <dir>]
 */
import { existsSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { startEmulator } from '../emulator/src/index'
import type { RunningEmulator } from '../emulator/src/index'
import { createCheckRun, isSkippedAfterFailure } from './packed-apps/createCheckRun'
import { freePort } from './packed-apps/freePort'
import { packedAppWorkspace, preparePackedApp } from './packed-apps/preparePackedApp'
import { redirectLogin } from './packed-apps/redirectLogin'
import { runCommand, startProcess, waitForHttp } from './packed-apps/runCommand'
import type { StartedProcess } from './packed-apps/runCommand'

const ROOT = resolve(import.meta.dirname, '..')
const FIXTURE = join(ROOT, 'test', 'fixtures', 'next-app')
const APP_KEY = 'ding11n2pel2hylcaph2' // the emulator's default fixture: 云栖统一登录
const PERSON = { userid: '0138261547271', name: '张伟' }

const run = createCheckRun('next-app')
const workspace = packedAppWorkspace('next-app')
const app = workspace.app
let emulator: RunningEmulator | undefined
let server: StartedProcess | undefined

function appEnv(port: number): Record<string, string> {
  const fixtureApp = emulator!.fixture.apps.find((a) => a.clientId === APP_KEY)!
  return {
    DINGTALK_BASE_URL: emulator!.url,
    DINGTALK_APP_KEY: fixtureApp.clientId,
    DINGTALK_APP_SECRET: fixtureApp.clientSecret,
    DINGTALK_AGENT_ID: fixtureApp.agentId,
    DINGTALK_CORP_ID: fixtureApp.corpId,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
    NEXT_TELEMETRY_DISABLED: '1',
  }
}

async function loginThrough(origin: string): Promise<void> {
  try {
    const page = await fetch(`${origin}/`, { signal: AbortSignal.timeout(120_000) })
    if (page.status !== 200) throw new Error(`GET / answered HTTP ${page.status}`)
    const name = await redirectLogin(origin)
    if (name !== PERSON.name) throw new Error(`signed in as ${name}, expected ${PERSON.name}`)
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nnext said:\n${server?.output().slice(-3000)}`,
      { cause: error },
    )
  }
}

async function serve(args: string[], port: number): Promise<string> {
  server = startProcess(
    'npx',
    ['--no-install', 'next', ...args, '--port', String(port), '--hostname', '127.0.0.1'],
    {
      cwd: app,
      env: appEnv(port),
    },
  )
  const origin = `http://127.0.0.1:${port}`
  await waitForHttp(`${origin}/api/auth/dingtalk/session`, server, 180_000)
  return origin
}

try {
  await preparePackedApp(run, { root: ROOT, fixture: FIXTURE, workspace, buildDirs: ['.next'] })
  emulator = await startEmulator({ port: 0, autoLogin: { userid: PERSON.userid } })

  await run.step('next dev: the page renders and a login round trip works', async () => {
    const origin = await serve(['dev'], await freePort())
    try {
      await loginThrough(origin)
      if (/Module not found|Can't resolve/.test(server!.output())) {
        throw new Error(`next dev reported a bundling error:\n${server!.output().slice(-2000)}`)
      }
    } finally {
      await server!.stop()
    }
    rmSync(join(app, 'data'), { recursive: true, force: true })
  })
  await run.step('next build creates nothing (no SQLite file)', async () => {
    await runCommand('npx', ['--no-install', 'next', 'build'], {
      cwd: app,
      env: appEnv(3000),
      timeoutMs: 420_000,
    })
    if (existsSync(join(app, 'data')))
      throw new Error('next build created data/ (the SQLite store) at build time')
  })
  let startedPort = 0
  await run.step('next start: a login round trip works and the store is created then', async () => {
    startedPort = await freePort()
    const origin = await serve(['start'], startedPort)
    await loginThrough(origin)
    if (!existsSync(join(app, 'data', 'dingtalk-login.sqlite')))
      throw new Error('no SQLite file after the login')
  })
  await run.step('npx dingtalk-login-server doctor (the packed bin) passes', async () => {
    const output = await runCommand(
      'npx',
      [
        '--no-install',
        'dingtalk-login-server',
        'doctor',
        '--json',
        '--store',
        'sqlite:./data/dingtalk-login.sqlite',
      ],
      { cwd: app, env: appEnv(startedPort), timeoutMs: 60_000 },
    )
    const report = JSON.parse(output) as { ok: boolean }
    if (!report.ok) throw new Error(`the doctor found problems:\n${output}`)
  })
} catch (error) {
  if (!isSkippedAfterFailure(error)) throw error
} finally {
  await server?.stop()
  await emulator?.close()
  workspace.cleanUp()
}
process.exitCode = run.finish(workspace.resultFile)
