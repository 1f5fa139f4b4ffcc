import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'
import { expectState, openLoginPage } from './support/openLoginPage'
import type { LoginPage } from './support/openLoginPage'
import { startLoginStack } from './support/startLoginStack'
import type { LoginStack } from './support/startLoginStack'

// Issue 12: several QR logins in one browser each log in (the server keeps one browser binding for all its states),
// and useDingTalkSession follows logins and logouts.
const ZHANG_WEI = '0138261547271'
const LIU_YANG = '0456123789'

let browser: Browser
let stack: LoginStack
const opened: LoginPage[] = []

beforeAll(async () => {
  ;[browser, stack] = await Promise.all([launchChromium(), startLoginStack()])
})

afterEach(async () => {
  for (const login of opened.splice(0)) await login.close()
  expect(stack.takeServerLog().filter((entry) => entry.level === 'error')).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

const appKey = () => stack.instances[0]!.authConfig.appKey

/** Scans the QR session DingTalk opened for `state` as `userid`. */
async function scanState(state: string, userid: string) {
  const find = () => stack.emulator.sessions(appKey()).find((s) => s.state === state)
  await expect.poll(() => find() !== undefined, { timeout: 15_000 }).toBe(true)
  return stack.emulator.scan({ session: find()!.id, clientId: appKey(), userid, approve: true })
}

/** Waits until `root` settled, then expects no error (shown by its text when there is one) and success. */
async function expectSuccess(login: LoginPage, root: ReturnType<LoginPage['page']['locator']>) {
  const settled = () =>
    root.getAttribute('data-state').then((state) => state === 'success' || state === 'error')
  await expect.poll(settled, { timeout: 15_000 }).toBe(true)
  expect(await login.page.locator('[data-code]').allTextContents()).toEqual([])
  expect(await root.getAttribute('data-state')).toBe('success')
}

const nameShown = (login: LoginPage, root = login.page.locator('body')) =>
  root.getByTestId('profile').locator('[data-field="name"]').textContent()

const memberName = (userid: string) =>
  stack.emulator.fixture.users.flatMap((u) => u.memberships).find((m) => m.userid === userid)!.name

describe('several QR logins in one browser', () => {
  it('two tabs: each shows its QR code, and each scan logs its tab in', async () => {
    const first = await openLoginPage(browser, stack, stack.pageUrl({ mode: 'qr' }))
    opened.push(first)
    await expectState(first.qr, 'waiting-for-scan')
    // A second tab of the same browser (same cookies), opened while the first still waits.
    const second = await first.context.newPage()
    const secondStates: string[] = []
    second.on('response', (response) => {
      if (response.url().includes('/api/auth/dingtalk/config') && response.ok()) {
        void response.json().then((body: { state: string }) => secondStates.push(body.state))
      }
    })
    await second.goto(stack.pageUrl({ mode: 'qr' }))
    const secondQr = second.locator('[data-dingtalk-login="qr"]')
    await expect.poll(() => secondQr.getAttribute('data-state')).toBe('waiting-for-scan')
    await expect.poll(() => secondStates.length).toBe(1)

    await scanState(first.configStates.at(-1)!, ZHANG_WEI)
    await expectSuccess(first, first.qr)
    expect(await nameShown(first)).toBe(memberName(ZHANG_WEI))

    await scanState(secondStates[0]!, LIU_YANG)
    const settled = () =>
      secondQr.getAttribute('data-state').then((state) => state === 'success' || state === 'error')
    await expect.poll(settled, { timeout: 15_000 }).toBe(true)
    expect(await second.locator('[data-code]').allTextContents()).toEqual([])
    expect(await secondQr.getAttribute('data-state')).toBe('success')
    expect(await second.getByTestId('profile').locator('[data-field="name"]').textContent()).toBe(
      memberName(LIU_YANG),
    )
    expect(await second.getByRole('alert').count()).toBe(0)
  })

  it('two DingTalkQrLogin on one page: each scan logs its own component in', async () => {
    const login = await openLoginPage(browser, stack, stack.pageUrl({ mode: 'two' }))
    opened.push(login)
    const a = login.page.getByTestId('qr-a')
    const b = login.page.getByTestId('qr-b')
    await expectState(a.locator('[data-dingtalk-login="qr"]'), 'waiting-for-scan')
    await expectState(b.locator('[data-dingtalk-login="qr"]'), 'waiting-for-scan')
    await expect.poll(() => login.configStates.length).toBe(2)
    const [stateA, stateB] = await Promise.all(
      [a, b].map(async (root) => {
        const src = (await root.locator('iframe').getAttribute('src')) ?? ''
        return decodeURIComponent(new URL(src).searchParams.get('state') ?? '')
      }),
    )
    expect(new Set([stateA, stateB])).toEqual(new Set(login.configStates))

    await scanState(stateB!, LIU_YANG)
    await expectSuccess(login, b.locator('[data-dingtalk-login="qr"]'))
    expect(await nameShown(login, b)).toBe(memberName(LIU_YANG))
    // The other one still waits for its own scan, unaffected.
    expect(await a.locator('[data-dingtalk-login="qr"]').getAttribute('data-state')).toBe('waiting-for-scan')

    await scanState(stateA!, ZHANG_WEI)
    await expectSuccess(login, a.locator('[data-dingtalk-login="qr"]'))
    expect(await nameShown(login, a)).toBe(memberName(ZHANG_WEI))
    expect(await login.page.getByRole('alert').count()).toBe(0)
    expect(login.apiCalls.filter((call) => call === 'POST /login/qr')).toHaveLength(2)
  })
})

describe('useDingTalkSession in the browser', () => {
  it('follows a QR login and a logout; the login button leads to /authorize', async () => {
    const login = await openLoginPage(browser, stack, stack.pageUrl({ mode: 'qr', withSession: '1' }))
    opened.push(login)
    const session = login.page.getByTestId('session')
    await expect.poll(() => session.getAttribute('data-status')).toBe('unauthenticated')
    const button = session.getByRole('button', { name: '钉钉登录' })
    expect(await button.isVisible()).toBe(true)

    await expectState(login.qr, 'waiting-for-scan')
    await scanState(login.configStates.at(-1)!, ZHANG_WEI)
    await expectState(login.qr, 'success')
    await expect.poll(() => session.getAttribute('data-status')).toBe('authenticated')
    expect(await session.locator('[data-field="sessionUser"]').textContent()).toBe(memberName(ZHANG_WEI))

    await session.getByRole('button', { name: '退出登录' }).click()
    await expect.poll(() => session.getAttribute('data-status')).toBe('unauthenticated')
    expect((await login.session()).status).toBe(401)
    expect(login.apiCalls).toEqual([
      'GET /session',
      'GET /config',
      'POST /login/qr',
      'GET /session',
      'POST /logout',
    ])

    // The full-page redirect login: the button goes to the backend's /authorize, which sends the browser on to
    // DingTalk's login page.
    const [request] = await Promise.all([
      login.page.waitForRequest((r) => r.url().includes('/api/auth/dingtalk/authorize')),
      session.getByRole('button', { name: '钉钉登录' }).click(),
    ])
    expect(new URL(request.url()).searchParams.get('returnTo')).toBe('/?withSession=1')
    await login.page.waitForURL((url) => url.origin === stack.emulator.url)
  })
})
