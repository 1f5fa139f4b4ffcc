import { startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../test/support/chromium'

const QR_PAGE_QUERY = new URLSearchParams({
  iframe: 'true',
  redirect_uri: 'http://127.0.0.1:5173/api/auth/dingtalk/callback',
  response_type: 'code',
  client_id: 'ding11n2pel2hylcaph2',
  scope: 'openid',
  prompt: 'consent',
})

let browser: Browser
let emulator: RunningEmulator | undefined

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  await emulator?.close()
})

// Issue #14: the phone page kept listing the QR codes of tabs closed long ago.
describe('the phone page and closed QR tabs', () => {
  it('lists the QR code of the open tab only, once the closed tab has stopped polling', async () => {
    emulator = await startEmulator({ port: 0, qrPageGoneAfterMs: 2000 })
    const context = await browser.newContext()
    const kept = await context.newPage()
    const closed = await context.newPage()
    await kept.goto(`${emulator.url}/oauth2/auth?${QR_PAGE_QUERY}`)
    await closed.goto(`${emulator.url}/oauth2/auth?${QR_PAGE_QUERY}`)
    const keptId = await kept.locator('#qr').getAttribute('data-session')
    const phone = await context.newPage()
    await phone.goto(`${emulator.url}/__emulator/phone`)
    await expect.poll(() => phone.locator('li[data-session]').count(), { timeout: 10_000 }).toBe(2)
    await closed.close()
    await expect
      .poll(
        () => phone.locator('li[data-session]').evaluateAll((rows) => rows.map((r) => r.dataset.session)),
        {
          timeout: 15_000,
        },
      )
      .toEqual([keptId])
    // The open tab still logs in from the phone.
    await phone.locator(`li[data-session="${keptId}"] [data-action="approve"]`).click()
    await kept.locator('body[data-state="approved"]').waitFor()
    await context.close()
  })
})
