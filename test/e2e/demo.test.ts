import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'
import { freePort, interrupt, killDemo, readyUrls, startDemoProcess } from './support/demoProcess'
import type { StartedDemo } from './support/demoProcess'
import { loginWithPhone } from './support/loginWithPhone'

describe('npm start', () => {
  let browser: Browser
  let dataDir: string
  const running: StartedDemo[] = []

  beforeAll(async () => {
    browser = await launchChromium()
    dataDir = await mkdtemp(join(tmpdir(), 'dingtalk-demo-e2e-'))
  })
  afterAll(async () => {
    for (const demo of running) killDemo(demo)
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
    const first = startDemoProcess(env)
    running.push(first)
    const urls = await readyUrls(first)
    expect(urls.directory).toBe(`http://127.0.0.1:${env.PORT}/directory`)
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
    const second = startDemoProcess(env)
    running.push(second)
    expect(await readyUrls(second)).toEqual(urls)
    expect(second.stdout()).not.toContain('new session secret created')
    expect(await readFile(join(dataDir, 'session-secret'), 'utf8')).toMatch(/\S{43}/)

    // A third start while the second runs: a port clash, explained.
    const clash = startDemoProcess(env)
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
