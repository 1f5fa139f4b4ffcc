import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'
import { freePort, interrupt, killDemo, readyUrls, startDemoProcess } from './support/demoProcess'
import type { StartedDemo } from './support/demoProcess'
import { loginWithPhone } from './support/loginWithPhone'

const YUNQI = '杭州云栖科技有限公司'
const XINGHE = '北京星河数据有限公司'

/** The session as the browser's cookie gets it from the server: 200 or 401. */
const sessionStatus = (page: Page) =>
  page.evaluate(() => fetch('/api/auth/dingtalk/session', { credentials: 'include' }).then((r) => r.status))

// The directory page of `npm start`: a leave made in the emulator travels the real path (Stream mode event → the
// server's directory → the session index) and the signed-in user watches their own session end.
describe('npm start: the directory page', () => {
  let browser: Browser
  let dataDir: string
  let demo: StartedDemo | undefined

  beforeAll(async () => {
    browser = await launchChromium()
    dataDir = await mkdtemp(join(tmpdir(), 'dingtalk-demo-directory-'))
  })
  afterAll(async () => {
    if (demo) killDemo(demo)
    await browser?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('lists the organisation live; Leave ends the signed-in session, Rejoin lets the same user back in', async () => {
    const env = { PORT: String(await freePort()), EMULATOR_PORT: String(await freePort()), DATA_DIR: dataDir }
    demo = startDemoProcess(env)
    const urls = await readyUrls(demo)

    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(urls.page)
    await loginWithPhone(context, page, urls)
    const profile = page.getByRole('region', { name: 'Signed in as 张伟' })
    await profile.waitFor()
    const userId = await profile.getAttribute('data-user-id')
    expect(userId).toBeTruthy()

    // The tab in the header leads to the directory page.
    await page
      .getByRole('navigation', { name: 'Demo pages' })
      .getByRole('link', { name: 'Directory' })
      .click()
    await page.waitForURL(urls.directory)

    // The department tree of each organisation, nested as in the emulator, with its people.
    const yunqi = page.getByRole('region', { name: YUNQI })
    const tree = yunqi.getByRole('list', { name: `Department tree of ${YUNQI}` })
    await tree.waitFor()
    await expect
      .poll(() => yunqi.getByRole('list', { name: 'Departments of 技术部' }).innerText())
      .toContain('平台组')
    expect(await tree.locator('.department-name').allInnerTexts()).toEqual([
      YUNQI,
      '技术部',
      '平台组',
      '产品部',
      '人力资源部',
    ])
    await expect(
      tree
        .getByRole('list', { name: `Departments of ${YUNQI}` })
        .locator(':scope > li > .department-name')
        .allInnerTexts(),
    ).resolves.toEqual(['技术部', '产品部', '人力资源部'])
    const engineering = yunqi.getByRole('list', { name: 'People of 技术部' })
    for (const name of ['张伟', '李娜', '刘洋', '杨磊']) {
      await expect(
        engineering.getByRole('listitem').filter({ hasText: name }).innerText(),
      ).resolves.toContain('Active')
    }
    const xinghe = page.getByRole('region', { name: XINGHE })
    await expect
      .poll(() => xinghe.locator('.department-name').allInnerTexts())
      .toEqual([XINGHE, '销售部', '数据部'])
    await expect(xinghe.getByRole('list', { name: 'People of 数据部' }).innerText()).resolves.toContain(
      '吴婷',
    )
    await expect(page.locator('.sync').innerText()).resolves.toMatch(
      /First full crawl: 8 departments, 12 people, \d+ DingTalk calls/,
    )
    await yunqi.getByText('Stream mode: connected').waitFor()

    // 张伟 is marked as the one signed in on this browser, in each department he is in.
    const zhangWei = yunqi.locator('li.person[data-userid="0138261547271"]')
    await expect.poll(() => zhangWei.count()).toBe(2)
    await expect
      .poll(() => zhangWei.evaluateAll((items) => items.map((item) => item.getAttribute('data-you'))))
      .toEqual(['signed-in', 'signed-in'])
    const panel = page.getByRole('region', { name: 'This browser' })
    await expect(panel.locator('[data-user-id]').getAttribute('data-user-id')).resolves.toBe(userId)
    await expect(panel.innerText()).resolves.toContain(`Signed in as 张伟 (${YUNQI})`)

    // Leave: the emulator publishes user_leave_org; the page shows him left and his session ended.
    const leftAt = Date.now()
    await zhangWei.first().getByRole('button', { name: 'Leave: 张伟' }).click()
    const ended = panel.getByRole('alert')
    await ended.filter({ hasText: `Your session ended: 张伟 left ${YUNQI}` }).waitFor({ timeout: 5_000 })
    await expect
      .poll(() => zhangWei.first().locator('.person-state').innerText(), { timeout: 5_000 })
      .toMatch(/^Left since /)
    const shownAfterMs = Date.now() - leftAt
    expect(shownAfterMs).toBeLessThan(5_000)
    expect(await sessionStatus(page)).toBe(401)
    expect(await zhangWei.first().getAttribute('data-you')).toBe('session-ended')
    // Only he left.
    await expect(
      engineering.getByRole('listitem').filter({ hasText: '李娜' }).innerText(),
    ).resolves.toContain('Active')

    // The same texts in Chinese, from the header's language selector.
    await page.getByLabel('Language of the directory texts').selectOption('zh-CN')
    await page.getByRole('heading', { name: '通讯录' }).waitFor()
    await expect(zhangWei.first().getByRole('button', { name: '重新入职：张伟' }).isVisible()).resolves.toBe(
      true,
    )
    await page.getByLabel('Language of the directory texts').selectOption('en')

    // Rejoin: the same DingTalk account is hired again (user_add_org); he may sign in again.
    await zhangWei.first().getByRole('button', { name: 'Rejoin: 张伟' }).click()
    await expect
      .poll(() => zhangWei.first().locator('.person-state').innerText(), { timeout: 5_000 })
      .toBe('Active')
    const back = panel.getByRole('status').filter({ hasText: '张伟 is back in the organisation' })
    await back.waitFor({ timeout: 5_000 })
    await back.getByRole('link', { name: 'Sign in again' }).click()
    await page.waitForURL(urls.page)
    await loginWithPhone(context, page, urls)
    await profile.waitFor()
    expect(await profile.getAttribute('data-user-id')).toBe(userId)
    await expect.poll(() => profile.locator('[data-new-user]').getAttribute('data-new-user')).toBe('false')

    // Back on the directory page he is marked as signed in again.
    await page.getByRole('link', { name: 'Directory' }).click()
    await expect(panel.locator('[data-user-id]').getAttribute('data-user-id')).resolves.toBe(userId)
    await expect.poll(() => zhangWei.first().getAttribute('data-you')).toBe('signed-in')

    await context.close()
    // Ctrl-C still stops everything cleanly with Stream mode connected.
    await interrupt(demo, [Number(env.PORT), Number(env.EMULATOR_PORT)])
  }, 180_000)
})
