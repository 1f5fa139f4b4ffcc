import { startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../test/support/chromium'
import type { PageServer } from './servePages'
import { APP, ZHANGWEI } from './defaultFixture'
import { servePages } from './servePages'

/** The integrator's login page: loads the emulator's ddlogin.js and calls DTFrameLogin like the official sample. */
function loginPage(emulatorUrl: string, extra = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>app</title>
<script src="${emulatorUrl}/dingding/h5-dingtalk-login/0.21.0/ddlogin.js"></script></head>
<body><div id="login_container"></div>
<script>
  window.successes = [];
  window.errors = [];
  window.frame = window.DTFrameLogin(
    { id: 'login_container', width: 300, height: 300 },
    {
      redirect_uri: encodeURIComponent(location.origin + '/api/auth/dingtalk/callback'),
      client_id: '${APP.clientId}',
      scope: 'openid',
      response_type: 'code',
      state: 's&1 2',
      prompt: 'consent'${extra}
    },
    function (result) { window.successes.push(result); },
    function (message) { window.errors.push(message === undefined ? '<undefined>' : message); }
  );
</script></body></html>`
}

let browser: Browser
let emulator: RunningEmulator
let app: PageServer
let page: Page

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  await page?.context().close()
  await app?.close()
  await emulator?.close()
})

async function open(options: Parameters<typeof startEmulator>[0] = {}, extra = '') {
  emulator = await startEmulator({ port: 0, ...options })
  app = await servePages({ '/': loginPage(emulator.url, extra), '/missing': '<script src="x"></script>' })
  page = await (await browser.newContext()).newPage()
  await page.goto(`${app.origin}/`)
  await expect.poll(() => emulator.sessions(APP.clientId).length, { timeout: 10_000 }).toBe(1)
  await page.frameLocator('#login_container iframe').locator('img.qr').waitFor()
}

const successes = () =>
  page.evaluate(
    () =>
      (window as unknown as { successes: { authCode: string; state: string; redirectUrl: string }[] })
        .successes,
  )
const errors = () => page.evaluate(() => (window as unknown as { errors: string[] }).errors)

async function exchange(code: string) {
  const res = await fetch(`${emulator.url}/v1.0/oauth2/userAccessToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: APP.clientId,
      clientSecret: APP.secret,
      code,
      grantType: 'authorization_code',
    }),
  })
  return res.status
}

describe('ddlogin.js + the QR iframe in Chromium', () => {
  it('builds the iframe exactly like ddlogin.js 0.21.0 and delivers the authCode after a scan via the test API', async () => {
    await open()
    const src = await page.evaluate(() => (window as unknown as { frame: HTMLIFrameElement }).frame.src)
    expect(src).toBe(
      `${emulator.url}/oauth2/auth?iframe=true&redirect_uri=${encodeURIComponent(`${app.origin}/api/auth/dingtalk/callback`)}` +
        `&response_type=code&client_id=${APP.clientId}&scope=openid&prompt=consent&state=s&1%202`,
    )
    const attrs = await page.evaluate(() => {
      const f = (window as unknown as { frame: HTMLIFrameElement }).frame
      return [
        f.getAttribute('width'),
        f.getAttribute('height'),
        f.getAttribute('frameborder'),
        f.getAttribute('scrolling'),
      ]
    })
    expect(attrs).toEqual(['300', '300', '0', 'no'])
    // The unencoded '&' in state cut it short, exactly as with the real script.
    expect(emulator.sessions()[0]!.state).toBe('s')

    const scan = await fetch(`${emulator.url}/__emulator/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: APP.clientId, userid: ZHANGWEI, approve: true }),
    }).then((r) => r.json() as Promise<{ code: string }>)
    await expect.poll(successes, { timeout: 10_000 }).toHaveLength(1)
    const [result] = await successes()
    expect(result).toEqual({
      authCode: scan.code,
      state: 's',
      redirectUrl: `${app.origin}/api/auth/dingtalk/callback?authCode=${scan.code}&state=s`,
    })
    // Status messages without success reached errorCbk(undefined), as with the real iframe.
    expect(await errors()).toContain('<undefined>')
    await page.frameLocator('#login_container iframe').locator('body[data-state="approved"]').waitFor()
    expect(await exchange(result!.authCode)).toBe(200)
    expect(await exchange(result!.authCode)).toBe(400)
  })

  it('delivers the authCode after scanning and confirming on the phone page', async () => {
    await open()
    const phone = await page.context().newPage()
    await phone.goto(`${emulator.url}/__emulator/phone`)
    await phone.locator('#user option').nth(1).waitFor({ state: 'attached' })
    await phone.selectOption('#user', 'UpnLQkw3lN4q7OJjAl9eiE')
    const row = phone.locator(`li[data-session]`)
    await row.locator('[data-action="scan"]').click()
    await page
      .frameLocator('#login_container iframe')
      .locator('body[data-state="scanned"] #status', { hasText: '扫描成功，请在手机上确认登录' })
      .waitFor()
    await row.locator('[data-action="approve"]').click()
    await expect.poll(successes, { timeout: 10_000 }).toHaveLength(1)
    const [result] = await successes()
    expect(result!.authCode).toMatch(/^[0-9a-f]{32}$/)
    const token = await fetch(`${emulator.url}/v1.0/oauth2/userAccessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: APP.clientId,
        clientSecret: APP.secret,
        code: result!.authCode,
        grantType: 'authorization_code',
      }),
    }).then((r) => r.json() as Promise<{ accessToken: string }>)
    const me = await fetch(`${emulator.url}/v1.0/contact/users/me`, {
      headers: { 'x-acs-dingtalk-access-token': token.accessToken },
    })
    expect(((await me.json()) as { nick: string }).nick).toBe('王芳')
  })

  it('hands a refusal to the error callback', async () => {
    await open()
    emulator.scan({ clientId: APP.clientId, userid: ZHANGWEI, approve: false })
    await expect.poll(errors, { timeout: 10_000 }).toContain('用户取消了授权')
    expect(await successes()).toEqual([])
  })

  it('refreshes an expired QR code with a new session', async () => {
    await open({ qrTtlMs: 60_000 })
    const first = emulator.sessions()[0]!.id
    emulator.clock.advance(60_000)
    await expect.poll(() => emulator.sessions(APP.clientId)[0]?.id, { timeout: 10_000 }).not.toBe(first)
    await expect.poll(() => emulator.sessions(APP.clientId).length).toBe(1)
    await page.frameLocator('#login_container iframe').locator('body[data-state="pending"]').waitFor()
    const scan = emulator.scan({ clientId: APP.clientId, userid: ZHANGWEI, approve: true })
    await expect.poll(successes, { timeout: 10_000 }).toHaveLength(1)
    expect((await successes())[0]!.authCode).toBe(scan.code)
  })

  it('full page: navigates to redirect_uri with code, authCode and state after the scan', async () => {
    emulator = await startEmulator({ port: 0 })
    app = await servePages({ '/api/auth/dingtalk/callback': '<p>callback</p>' })
    page = await (await browser.newContext()).newPage()
    const redirectUri = `${app.origin}/api/auth/dingtalk/callback`
    await page.goto(
      `${emulator.url}/oauth2/auth?redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code` +
        `&client_id=${APP.clientId}&scope=openid&prompt=consent&state=st`,
    )
    await page.locator('img.qr').waitFor()
    const scan = emulator.scan({ clientId: APP.clientId, userid: ZHANGWEI, approve: true })
    await page.waitForURL(`${redirectUri}?**`)
    expect(page.url()).toBe(`${redirectUri}?code=${scan.code}&authCode=${scan.code}&state=st`)
    await expect.poll(() => page.locator('p').textContent()).toBe('callback')
  })

  it('reports the script errors of the original', async () => {
    emulator = await startEmulator({ port: 0 })
    app = await servePages({ '/': `<script src="${emulator.url}/ddlogin.js"></script><div id="c"></div>` })
    page = await (await browser.newContext()).newPage()
    await page.goto(`${app.origin}/`)
    const messages = await page.evaluate(() => {
      const out: string[] = []
      const w = window as unknown as { DTFrameLogin: (...args: unknown[]) => unknown }
      const ok = () => undefined
      const params = { redirect_uri: 'x', client_id: 'y', response_type: 'code', scope: 'openid' }
      w.DTFrameLogin({ id: 'c' }, { ...params, scope: '' }, ok, (m: string) => out.push(m))
      w.DTFrameLogin({ id: 'nope' }, params, ok, (m: string) => out.push(m))
      w.DTFrameLogin({ id: '' }, params, ok, (m: string) => out.push(m))
      return out
    })
    expect(messages).toEqual(['Missing parameters', 'Element not found', 'Element not found'])
  })
})
