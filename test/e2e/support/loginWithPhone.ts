import type { BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'
import { FIXTURE_PEOPLE, scanOnPhone } from '../../../demo/support/phone'
import type { DemoUrls } from './demoProcess'

/**
 * Signs in on the demo's sign-in page (`page`, showing the QR code) as 张伟: opens the emulator's phone from the
 * page's own link, scans the newest QR code of this demo and confirms.
 */
export async function loginWithPhone(
  context: BrowserContext,
  page: Page,
  urls: Pick<DemoUrls, 'page' | 'phone'>,
): Promise<void> {
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
