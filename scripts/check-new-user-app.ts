/**
 * CI block "a new user's app": a Vite + React + Express app written from the READMEs, installed outside the
 * workspace from the three packed packages (what npm would publish, not the workspace links), type-checked with
 * `tsc --strict` (our shipped .d.ts files included), built, started, and logged in end to end in Chromium against
 * the packed emulator's bin.
 *
 * Usage: tsx scripts/check-new-user-app.ts [--result .ci/new-user-app.json] [--keep] [--reuse-app <dir>]
 */
import { randomBytes } from 'node:crypto'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromiumFlags'
import { createCheckRun, isSkippedAfterFailure } from './packed-apps/createCheckRun'
import { freePort } from './packed-apps/freePort'
import { packedAppWorkspace, preparePackedApp } from './packed-apps/preparePackedApp'
import { runCommand, startProcess, waitForHttp } from './packed-apps/runCommand'
import type { StartedProcess } from './packed-apps/runCommand'

const ROOT = resolve(import.meta.dirname, '..')
const FIXTURE = join(ROOT, 'test', 'fixtures', 'vite-express-app')
const APP_KEY = 'ding11n2pel2hylcaph2' // the emulator's default fixture: 云栖统一登录
const PERSON = { userid: '0138261547271', name: '张伟' }

const run = createCheckRun('new-user-app')
const workspace = packedAppWorkspace('new-user-app')
const app = workspace.app
const processes: StartedProcess[] = []
let browser: Browser | undefined

try {
  await preparePackedApp(run, { root: ROOT, fixture: FIXTURE, workspace, buildDirs: ['dist', 'dist-server'] })
  await run.step('tsc --strict (the app and the packages’ types)', async () => {
    await runCommand('npm', ['run', 'typecheck'], { cwd: app, timeoutMs: 180_000 })
  })
  await run.step('vite build and the server build', async () => {
    await runCommand('npm', ['run', 'build'], { cwd: app, timeoutMs: 240_000 })
  })

  const emulatorPort = await freePort()
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`
  const appPort = await freePort()
  const origin = `http://127.0.0.1:${appPort}`
  await run.step('the packed emulator bin and the app start (verifyOnStart finds nothing)', async () => {
    const emulator = startProcess(
      'npx',
      ['--no-install', 'dingtalk-emulator', '--port', String(emulatorPort)],
      {
        cwd: app,
      },
    )
    processes.push(emulator)
    await waitForHttp(`${emulatorUrl}/__emulator/fixture`, emulator, 60_000)
    const fixture = (await (await fetch(`${emulatorUrl}/__emulator/fixture`)).json()) as {
      apps: { clientId: string; clientSecret: string; agentId: string; corpId: string }[]
    }
    const fixtureApp = fixture.apps.find((a) => a.clientId === APP_KEY)!
    const server = startProcess('npm', ['start'], {
      cwd: app,
      env: {
        PORT: String(appPort),
        PUBLIC_ORIGIN: origin,
        DINGTALK_BASE_URL: emulatorUrl,
        DINGTALK_APP_KEY: fixtureApp.clientId,
        DINGTALK_APP_SECRET: fixtureApp.clientSecret,
        DINGTALK_AGENT_ID: fixtureApp.agentId,
        DINGTALK_CORP_ID: fixtureApp.corpId,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
      },
    })
    processes.push(server)
    await waitForHttp(`${origin}/api/auth/dingtalk/session`, server, 60_000)
    if (server.output().includes('dingtalk-login-server:')) {
      throw new Error(`verifyOnStart reported problems:\n${server.output()}`)
    }
  })
  await run.step('Chromium: the QR code shows, the phone scans, the page is signed in', async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
    const page = await browser.newPage()
    await page.goto(origin)
    await page.locator('[data-state="waiting-for-scan"]').first().waitFor({ timeout: 60_000 })
    const scan = await fetch(`${emulatorUrl}/__emulator/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: APP_KEY, userid: PERSON.userid, approve: true }),
    })
    if (!scan.ok) throw new Error(`the emulator refused the scan: HTTP ${scan.status} ${await scan.text()}`)
    const signedIn = page.getByTestId('signed-in')
    await signedIn.waitFor({ timeout: 30_000 })
    const text = await signedIn.textContent()
    if (!text?.includes(PERSON.name)) throw new Error(`the page says ${JSON.stringify(text)}`)
    const status = await page.evaluate(async () => (await fetch('/api/auth/dingtalk/session')).status)
    if (status !== 200) throw new Error(`GET /session in the page answered ${status}`)
  })
} catch (error) {
  if (!isSkippedAfterFailure(error)) throw error
} finally {
  await browser?.close()
  for (const started of processes.reverse()) await started.stop()
  workspace.cleanUp()
}
process.exitCode = run.finish(workspace.resultFile)
