import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startDemo } from '../server/startDemo'
import type { RunningDemo } from '../server/startDemo'
import { FIXTURE_PEOPLE, scanOnPhone } from './phone'

/** One screenshot: its file and what it shows (the README's caption). */
export interface Shot {
  file: string
  caption: string
}

const VIEWPORT = { width: 1200, height: 860 }
const YUNQI = 'ding14baf2538452a2d9d39123d5899249cb'
const XINGHE = 'dinge3e10f41714ca803e1123e3ad40948f6'
const ZHANG_WEI_USERID = '0138261547271'

/**
 * Drives the real demo (emulator + server adapter on SQLite + the built page, started in this process on free
 * ports with a temporary data folder) through every state worth showing and saves a PNG of each into `outDir`.
 * Every step waits for the state it claims (`data-state`, roles, texts) and throws if it never comes, so a
 * screenshot cannot show something else than its caption.
 */
export async function takeScreenshots(browser: Browser, outDir: string): Promise<Shot[]> {
  await mkdir(outDir, { recursive: true })
  const dataDir = await mkdtemp(join(tmpdir(), 'dingtalk-demo-shots-'))
  let demo: RunningDemo | undefined
  const shots: Shot[] = []
  const contexts: BrowserContext[] = []
  const open = async (path = '/') => {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' })
    contexts.push(context)
    const page = await context.newPage()
    await page.goto(`${demo!.url}${path}`)
    return { context, page }
  }
  const shoot = async (page: Page, file: string, caption: string, fullPage = false) => {
    await page.screenshot({ path: join(outDir, file), fullPage })
    shots.push({ file, caption })
  }
  const origin = () => new URL(demo!.url).host
  const phoneFor = async (context: BrowserContext) => {
    const phone = await context.newPage()
    await phone.setViewportSize({ width: 420, height: 720 })
    await phone.goto(demo!.phoneUrl!)
    return phone
  }
  const waitingForScan = (page: Page) =>
    page.locator('[data-dingtalk-login="qr"][data-state="waiting-for-scan"] iframe').waitFor()
  const errorPanel = (page: Page, serverCode: string | null, code = 'exchange-failed') =>
    page
      .locator(
        `section[aria-label="What happened"][data-code="${code}"]${serverCode ? `[data-server-code="${serverCode}"]` : ''}`,
      )
      .waitFor()

  try {
    demo = await startDemo({ port: 0, emulatorPort: 0, dataDir, logger: silent })

    // 1. The QR login, waiting for a scan.
    {
      const { context, page } = await open()
      await waitingForScan(page)
      await page.frameLocator('iframe').locator('img.qr').waitFor()
      await shoot(
        page,
        'demo-qr-login.png',
        'The demo page: `DingTalkLogin` shows the QR login outside DingTalk',
      )

      // 2. The phone, after scanning, waiting for the confirmation.
      const phone = await phoneFor(context)
      await phone.locator(`#user option[value="${FIXTURE_PEOPLE.zhangWei}"]`).waitFor({ state: 'attached' })
      await phone.selectOption('#user', FIXTURE_PEOPLE.zhangWei)
      const row = phone.locator('li[data-session]', { hasText: origin() }).first()
      await row.locator('[data-action="scan"]').click()
      await phone.locator('#log', { hasText: '已扫码' }).waitFor()
      await page.frameLocator('iframe').locator('body[data-state="scanned"]').waitFor()
      await shoot(
        phone,
        'demo-phone.png',
        'The emulator’s phone page: pick a person, scan, then confirm or refuse',
      )
      await shoot(page, 'demo-qr-scanned.png', 'Scanned: the QR page asks to confirm on the phone')

      // 3. Confirmed: the profile the server bound.
      await row.locator('[data-action="approve"]').click()
      await page.getByRole('region', { name: /^Signed in as 张伟$/ }).waitFor()
      await page.locator('[data-new-user="true"]').waitFor()
      await shoot(
        page,
        'demo-profile.png',
        'Signed in: the bound DingTalk profile from `GET /api/auth/dingtalk/session`',
      )
      await context.close()
    }

    // 4. Inside DingTalk (the emulator's iOS container shim): the workbench free login, no QR code.
    {
      const { context, page } = await open(`/?container=ios&corpId=${YUNQI}&userid=manager4220`)
      await page.getByRole('region', { name: /^Signed in as 王芳$/ }).waitFor()
      await page.getByRole('note', { name: 'Inside DingTalk' }).waitFor()
      await shoot(
        page,
        'demo-workbench.png',
        'Opened as if inside DingTalk (iOS): signed in by the workbench free login',
      )
      await context.close()
    }

    // 5. Inside DingTalk, but the person is not in that organisation: the free login fails, the QR code takes over.
    {
      const { context, page } = await open(
        `/?container=android&corpId=${YUNQI}&userid=0267183945&userCorpId=${XINGHE}`,
      )
      await page.locator('[data-dingtalk-login="workbench"][data-state="error"]').waitFor()
      await waitingForScan(page)
      await errorPanel(page, null, 'auth-code-failed')
      await shoot(
        page,
        'demo-workbench-fallback.png',
        'Inside DingTalk as someone of another organisation: the free login fails and falls back to the QR code',
        true,
      )
      await context.close()
    }

    // 6. The scan refused on the phone.
    {
      const { context, page } = await open()
      await waitingForScan(page)
      const phone = await phoneFor(context)
      await scanOnPhone(phone, { unionId: FIXTURE_PEOPLE.zhangWei, origin: origin(), answer: 'refuse' })
      await page.locator('[data-dingtalk-login="qr"][data-state="error"]').waitFor()
      await errorPanel(page, null, 'auth-code-failed')
      await page.getByRole('heading', { name: 'The scan was refused' }).waitFor()
      await shoot(page, 'demo-error-refused.png', 'Error: the scan was refused on the phone', true)
      await context.close()
    }

    // 7. A person in no organisation: DingTalk itself refuses.
    {
      const { context, page } = await open()
      await waitingForScan(page)
      const phone = await phoneFor(context)
      await scanOnPhone(phone, { unionId: FIXTURE_PEOPLE.maChao, origin: origin(), answer: 'approve' })
      await page.getByRole('heading', { name: 'Not in the organisation' }).waitFor()
      await shoot(
        page,
        'demo-error-outside-corp.png',
        'Error: a person in no organisation scans (DingTalk refuses)',
        true,
      )
      await context.close()
    }

    // 8. An external contact of the organisation: DingTalk lets him scan, the server refuses.
    {
      const { context, page } = await open()
      await page.getByLabel('Organisation').selectOption(XINGHE)
      await waitingForScan(page)
      const phone = await phoneFor(context)
      await scanOnPhone(phone, { unionId: FIXTURE_PEOPLE.zhouJie, origin: origin(), answer: 'approve' })
      await errorPanel(page, 'not_corp_member')
      await shoot(
        page,
        'demo-error-not-member.png',
        'Error: an external contact scans; the server answers `not_corp_member`',
        true,
      )
      await context.close()
    }

    // 9. An expired QR code (the shared clock moved 11 minutes ahead): the server answers invalid_state.
    {
      const { context, page } = await open()
      await waitingForScan(page)
      await page.getByRole('button', { name: 'Let the QR code expire' }).click()
      await page.getByText('Clock moved 11 minutes ahead').waitFor()
      const phone = await phoneFor(context)
      await scanOnPhone(phone, { unionId: FIXTURE_PEOPLE.zhangWei, origin: origin(), answer: 'approve' })
      await errorPanel(page, 'invalid_state')
      await shoot(
        page,
        'demo-error-expired.png',
        'Error: the QR code expired; the server answers `invalid_state`',
        true,
      )
      await context.close()
    }

    // 10. The directory page: 张伟 signs in, then presses Leave next to his own name. The leave travels the real
    // path (emulator → Stream mode → the server's directory → his sessions revoked), last of all so that no other
    // step meets him gone.
    {
      const { context, page } = await open()
      await waitingForScan(page)
      const phone = await phoneFor(context)
      await scanOnPhone(phone, { unionId: FIXTURE_PEOPLE.zhangWei, origin: origin(), answer: 'approve' })
      await page.getByRole('region', { name: /^Signed in as 张伟$/ }).waitFor()
      await page
        .getByRole('navigation', { name: 'Demo pages' })
        .getByRole('link', { name: 'Directory' })
        .click()
      const panel = page.getByRole('region', { name: 'This browser' })
      await panel.locator('[data-user-id]').waitFor()
      await page.getByText('Stream mode: connected').first().waitFor()
      await page.getByRole('button', { name: 'Leave: 张伟' }).first().click()
      await panel.getByRole('alert').filter({ hasText: 'Your session ended: 张伟 left' }).waitFor()
      await page.locator(`li.person[data-userid="${ZHANG_WEI_USERID}"][data-state="left"]`).first().waitFor()
      await shoot(
        page,
        'demo-directory.png',
        'The directory page, live: 张伟 pressed Leave; the tree shows him left and his own session ended',
        true,
      )
      await context.close()
    }
    return shots
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined)
    await demo?.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

const noop = () => {}
const silent = { debug: noop, info: noop, warn: noop, error: noop }
