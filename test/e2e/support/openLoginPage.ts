import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { BASE_PATH } from './startLoginStack'
import type { LoginStack } from './startLoginStack'

/** A page in a fresh browser context (its own cookies), with what it asked of the server recorded. */
export interface LoginPage {
  context: BrowserContext
  page: Page
  /** `POST /login/qr`, `GET /config`, … : every call to the adapter's routes, in order. */
  apiCalls: string[]
  /** Every `/assets/…` script the page loaded. */
  scripts: string[]
  /** The `state` of every `/config` answer, in order (a new one per QR code). */
  configStates: string[]
  /** Errors thrown in the page. */
  pageErrors: string[]
  /** The picker's root (`data-dingtalk-login="workbench"`). */
  workbench: Locator
  /** The QR login's root (`data-dingtalk-login="qr"`). */
  qr: Locator
  /** The profile the page shows after a login. */
  profile: Locator
  /** The text of one profile field (`data-field`). */
  field(name: string): Locator
  /** `GET /session` with this browser's cookies. */
  session(): Promise<{ status: number; body: unknown }>
  close(): Promise<void>
}

/** Opens the test page at `url` in a new context of `browser`, recording its calls to the server. */
export async function openLoginPage(browser: Browser, stack: LoginStack, url: string): Promise<LoginPage> {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  const apiCalls: string[] = []
  const scripts: string[] = []
  const configStates: string[] = []
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  page.on('request', (request) => {
    const { origin, pathname } = new URL(request.url())
    if (origin !== stack.origin) return
    if (pathname.startsWith(`${BASE_PATH}/`))
      apiCalls.push(`${request.method()} ${pathname.slice(BASE_PATH.length)}`)
    else if (pathname.startsWith('/assets/') && pathname.endsWith('.js')) scripts.push(pathname)
  })
  page.on('response', (response) => {
    if (response.url().startsWith(`${stack.origin}${BASE_PATH}/config`) && response.ok()) {
      void response
        .json()
        .then((body: { state: string }) => configStates.push(body.state))
        .catch(() => undefined)
    }
  })
  await page.goto(url)
  return {
    context,
    page,
    apiCalls,
    scripts,
    configStates,
    pageErrors,
    workbench: page.locator('[data-dingtalk-login="workbench"]'),
    qr: page.locator('[data-dingtalk-login="qr"]'),
    profile: page.getByTestId('profile'),
    field: (name) => page.getByTestId('profile').locator(`[data-field="${name}"]`),
    session: async () => {
      const response = await context.request.get(`${stack.origin}${BASE_PATH}/session`)
      return { status: response.status(), body: await response.json().catch(() => null) }
    },
    close: () => context.close(),
  }
}

/** Waits until `root` shows `state` in `data-state`. */
export async function expectState(root: Locator, state: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => root.getAttribute('data-state'), { timeout }).toBe(state)
}

/**
 * Scans the QR code the page shows now, through the emulator's test API: finds the emulator's QR session of
 * the page's latest `/config` state (so an older QR code of another test is never the one scanned), then
 * confirms (`approve: true`) or refuses it as `userid`.
 */
export async function scanShownQr(
  stack: LoginStack,
  login: LoginPage,
  input: { userid: string; approve: boolean; clientId?: string },
) {
  const clientId = input.clientId ?? stack.instances[0]!.authConfig.appKey
  let session: string | undefined
  await expect
    .poll(
      () => {
        const state = login.configStates.at(-1)
        session = stack.emulator
          .sessions(clientId)
          .find((s) => state !== undefined && s.state === state && s.redirectUri.startsWith(stack.origin))?.id
        return session
      },
      { timeout: 15_000, message: 'the QR iframe of the latest /config opened a session at the emulator' },
    )
    .toBeTruthy()
  return stack.emulator.scan({ session, clientId, userid: input.userid, approve: input.approve })
}
