import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'
import { expectState, openLoginPage } from './support/openLoginPage'
import type { LoginPage } from './support/openLoginPage'
import { startLoginStack } from './support/startLoginStack'
import type { LoginStack } from './support/startLoginStack'

// Issue 12: a realistic setup mistake used to leave the QR login waiting forever. Each stuck case now shows an error
// that names both origins and the fix, and the retry is the way out.
const ZHANG_WEI = '0138261547271'

let browser: Browser
let stack: LoginStack
const opened: LoginPage[] = []

/**
 * A dev proxy in front of the stack, like Vite's `server.proxy` with `changeOrigin: true`: the page is on the
 * proxy's origin while the server sees its own host, so the redirectUri it hands out is on the server's origin.
 * `keepHost` makes it forward the browser's Host instead (what the server-side fix amounts to).
 */
async function startDevProxy(target: string) {
  const { host } = new URL(target)
  const proxy = { keepHost: false, origin: '' }
  const server = createServer((req, res) => {
    const headers = { ...req.headers, host: proxy.keepHost ? req.headers.host : host }
    const upstream = request(`${target}${req.url}`, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  proxy.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = () =>
    new Promise<void>((done) => {
      server.close(() => done())
      server.closeAllConnections()
    })
  return { proxy, close }
}

beforeAll(async () => {
  ;[browser, stack] = await Promise.all([launchChromium(), startLoginStack()])
})

afterEach(async () => {
  stack.emulator.clearFaults()
  for (const login of opened.splice(0)) await login.close()
  expect(stack.takeServerLog().filter((entry) => entry.level === 'error')).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

const errorCodes = (login: LoginPage) =>
  login.page
    .locator('[data-code]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-code')))

describe('the page is not on the origin of the backend redirectUri (a dev proxy)', () => {
  it('shows origin-mismatch naming both origins and publicOrigin before any QR code; the retry logs in once fixed', async () => {
    const { proxy, close } = await startDevProxy(stack.origin)
    try {
      const login = await openLoginPage(browser, stack, `${proxy.origin}/?mode=qr`)
      opened.push(login)
      await expectState(login.qr, 'error')
      const alert = (await login.qr.getByRole('alert').textContent()) ?? ''
      expect(alert).toContain(proxy.origin)
      expect(alert).toContain(stack.origin)
      expect(alert).toContain('publicOrigin')
      expect(await login.qr.locator('iframe').count()).toBe(0)
      expect(await errorCodes(login)).toEqual(['origin-mismatch'])

      // The server side of the fix (its publicOrigin, here the proxy keeping the Host), then the retry.
      proxy.keepHost = true
      await login.qr.getByRole('button', { name: '重试' }).click()
      await expectState(login.qr, 'waiting-for-scan')
      expect(await login.qr.getByRole('alert').count()).toBe(0)
      // Behind the proxy the QR session at DingTalk is the proxy origin's (the helpers watch the stack's own).
      const appKey = stack.instances[0]!.authConfig.appKey
      const proxied = () =>
        stack.emulator.sessions(appKey).filter((s) => s.redirectUri.startsWith(proxy.origin))
      await expect.poll(() => proxied().length).toBe(1)
      stack.emulator.scan({ session: proxied()[0]!.id, clientId: appKey, userid: ZHANG_WEI, approve: true })
      await expectState(login.qr, 'success')
      await expect.poll(() => login.profile.isVisible()).toBe(true)
    } finally {
      await close()
    }
  })
})

describe('the QR frame is not on the configured loginOrigin', () => {
  it('shows origin-mismatch naming both origins instead of ignoring the scan; the retry runs again, never hangs', async () => {
    // ddlogin.js from the emulator reached as localhost: its frame posts from there, the config says 127.0.0.1.
    const foreignScript = `${stack.emulator.url.replace('127.0.0.1', 'localhost')}/ddlogin.js`
    const foreignOrigin = new URL(foreignScript).origin
    const login = await openLoginPage(browser, stack, stack.pageUrl({ mode: 'qr', scriptSrc: foreignScript }))
    opened.push(login)
    // The frame opened its QR session at DingTalk; DingTalk's status message as it loads may already end the
    // wait, else the scan does.
    const appKey = stack.instances[0]!.authConfig.appKey
    const shown = () => stack.emulator.sessions(appKey).find((s) => s.state === login.configStates.at(-1))
    await expect.poll(() => shown() !== undefined).toBe(true)
    if ((await login.qr.getAttribute('data-state')) === 'waiting-for-scan') {
      stack.emulator.scan({ session: shown()!.id, clientId: appKey, userid: ZHANG_WEI, approve: true })
    }
    await expectState(login.qr, 'error')
    const alert = (await login.qr.getByRole('alert').textContent()) ?? ''
    expect(alert).toContain(foreignOrigin)
    expect(alert).toContain(stack.emulator.url)
    expect((await login.session()).status).toBe(401)

    await login.qr.getByRole('button', { name: '重试' }).click()
    await expect.poll(() => login.configStates.length).toBe(2)
    await expectState(login.qr, 'error')
    expect(login.apiCalls).toEqual(['GET /config', 'GET /config'])
  })
})
