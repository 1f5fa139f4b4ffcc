import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PEOPLE, scanOnPhone } from '../../demo/support/phone'
import { launchChromium } from '../support/chromium'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `npm start` as a user runs it: its own process group, so a signal reaches it as Ctrl-C in a terminal does. */
interface StartedDemo {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves once every process of the group closed its output: the exit code of `npx`, or its signal. */
  exited: Promise<number | string | null>
}

function start(env: Record<string, string>): StartedDemo {
  const child = spawn('npx', ['tsx', 'demo/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()))
  // 'close', not 'exit': npx may end before the demo process under it has finished writing and stopping.
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal)),
  )
  return { child, stdout: () => out, stderr: () => err, exited }
}

/** What `npm start` printed once ready: the page and the phone. */
async function readyUrls(demo: StartedDemo): Promise<{ page: string; phone: string }> {
  const deadline = Date.now() + 90_000
  for (;;) {
    const page = /Demo page:\s+(http:\S+)/.exec(demo.stdout())?.[1]
    const phone = /Phone \(scan here\):\s+(http:\S+)/.exec(demo.stdout())?.[1]
    if (page && phone) return { page, phone }
    if (demo.child.exitCode !== null || demo.child.signalCode !== null || Date.now() > deadline) {
      throw new Error(`npm start did not become ready:\n${demo.stdout()}\n${demo.stderr()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Ctrl-C: SIGINT to the whole process group, as a terminal sends it. npm's `npx` itself dies of the signal; the demo
 * must print that it stopped and give its ports back.
 */
async function interrupt(demo: StartedDemo, ports: number[]): Promise<void> {
  process.kill(-demo.child.pid!, 'SIGINT')
  expect([0, 'SIGINT']).toContain(await demo.exited)
  expect(demo.stdout()).toContain('SIGINT: stopping')
  expect(demo.stdout()).toContain('Stopped.')
  for (const port of ports) expect(await isFree(port)).toBe(true)
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function loginWithPhone(context: BrowserContext, page: Page, urls: { page: string; phone: string }) {
  await page.locator('[data-dingtalk-login="qr"][data-state="waiting-for-scan"]').waitFor()
  // The visible link to the emulator's phone is the way a user finds it.
  const phoneLink = page.getByRole('link', { name: /open the emulator’s phone/i })
  expect(await phoneLink.getAttribute('href')).toBe(urls.phone)
  const [phone] = await Promise.all([context.waitForEvent('page'), phoneLink.click()])
  await phone.waitForLoadState()
  await scanOnPhone(phone, {
    unionId: FIXTURE_PEOPLE.zhangWei,
    origin: new URL(urls.page).host,
    answer: 'approve',
  })
  await phone.close()
}

describe('npm start', () => {
  let browser: Browser
  let dataDir: string
  const running: StartedDemo[] = []

  beforeAll(async () => {
    browser = await launchChromium()
    dataDir = await mkdtemp(join(tmpdir(), 'dingtalk-demo-e2e-'))
  })
  afterAll(async () => {
    for (const demo of running) {
      if (demo.child.exitCode === null && demo.child.signalCode === null) {
        try {
          process.kill(-demo.child.pid!, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }
    await browser?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('logs in through the phone page, shows the profile, logs out, and keeps the binding across a restart', async () => {
    const env = {
      PORT: String(await freePort()),
      EMULATOR_PORT: String(await freePort()),
      DATA_DIR: dataDir,
    }

    // First start: creates the SQLite file and the session secret.
    const first = start(env)
    running.push(first)
    const urls = await readyUrls(first)
    expect(urls.page).toBe(`http://127.0.0.1:${env.PORT}/`)
    expect(first.stdout()).toContain('new session secret created')
    expect(existsSync(join(dataDir, 'dingtalk-login.sqlite'))).toBe(true)

    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(urls.page)
    await loginWithPhone(context, page, urls)

    const profile = page.getByRole('region', { name: 'Signed in as 张伟' })
    await profile.waitFor()
    const userId = await profile.getAttribute('data-user-id')
    expect(userId).toBeTruthy()
    await expect.poll(() => profile.locator('[data-new-user]').getAttribute('data-new-user')).toBe('true')
    const rows = await profile.locator('.row').allInnerTexts()
    const field = (label: string) => rows.find((r) => r.startsWith(`${label}\n`))?.split('\n')[1]
    expect(field('Local user id')).toBe(userId)
    expect(field('DingTalk userId')).toBe('0138261547271')
    expect(field('Organisation')).toBe('杭州云栖科技有限公司 (ding14baf2538452a2d9d39123d5899249cb)')
    expect(field('Job number')).toMatch(/\S/)
    expect(field('Email')).toMatch(/@/)
    expect(field('Phone')).toMatch(/\d{4}/)
    expect(field('Hire date')).toMatch(/^\d{4}-\d{2}-\d{2}$/)

    // Ctrl-C stops everything, cleanly.
    const ports = [Number(env.PORT), Number(env.EMULATOR_PORT)]
    await interrupt(first, ports)

    // Second start on the same ports and data: the session (signed with the stored secret) and the binding survive.
    const second = start(env)
    running.push(second)
    expect(await readyUrls(second)).toEqual(urls)
    expect(second.stdout()).not.toContain('new session secret created')
    expect(await readFile(join(dataDir, 'session-secret'), 'utf8')).toMatch(/\S{43}/)

    // A third start while the second runs: a port clash, explained.
    const clash = start(env)
    running.push(clash)
    expect(await clash.exited).toBe(1)
    expect(clash.stderr()).toMatch(/port \d+ is already in use/)
    expect(clash.stderr()).toContain('EMULATOR_PORT=')

    await page.goto(urls.page)
    await profile.waitFor()
    expect(await profile.getAttribute('data-user-id')).toBe(userId)
    await expect(profile.locator('.badge').innerText()).resolves.toContain('Session restored')

    await profile.getByRole('button', { name: 'Log out' }).click()
    await page.locator('[data-dingtalk-login="qr"]').waitFor()
    const session = await page.evaluate(() =>
      fetch('/api/auth/dingtalk/session', { credentials: 'include' }).then((r) => r.status),
    )
    expect(session).toBe(401)

    // Logging in again finds the binding made before the restart: same local user, a returning user.
    await loginWithPhone(context, page, urls)
    await profile.waitFor()
    expect(await profile.getAttribute('data-user-id')).toBe(userId)
    await expect.poll(() => profile.locator('[data-new-user]').getAttribute('data-new-user')).toBe('false')
    await expect(profile.locator('.badge').innerText()).resolves.toContain('Returning user')

    await context.close()
    await interrupt(second, ports)
  }, 180_000)
})
