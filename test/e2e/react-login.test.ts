import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'
import { expectState, openLoginPage, scanShownQr } from './support/openLoginPage'
import type { LoginPage } from './support/openLoginPage'
import { startLoginStack } from './support/startLoginStack'
import type { LoginStack } from './support/startLoginStack'

// The emulator's default fixture (emulator/README.md): 杭州云栖 is the corp the page serves by default.
const YUNQI = 'ding14baf2538452a2d9d39123d5899249cb'
const XINGHE = 'dinge3e10f41714ca803e1123e3ad40948f6'
const ZHANG_WEI = '0138261547271' // 云栖, main admin
const LI_NA = '01214738' // 云栖 (also in 星河 as `lina`)
const LIU_YANG = '0456123789' // 云栖
const ZHAO_MIN = '0267183945' // 星河 only

let browser: Browser
let stack: LoginStack
const opened: LoginPage[] = []

beforeAll(async () => {
  ;[browser, stack] = await Promise.all([launchChromium(), startLoginStack()])
})

afterEach(async () => {
  stack.emulator.clearFaults()
  for (const login of opened.splice(0)) await login.close()
  // A test that provokes a server failure takes its log lines; any other is a failure of the test.
  expect(stack.takeServerLog()).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

async function open(query: Record<string, string> = {}): Promise<LoginPage> {
  const login = await openLoginPage(browser, stack, stack.pageUrl(query))
  opened.push(login)
  return login
}

/** What the emulator's fixture says about a member of 云栖: what the page's profile must show. */
function yunqiMember(userid: string) {
  for (const user of stack.emulator.fixture.users) {
    const member = user.memberships.find((m) => m.corpId === YUNQI && m.userid === userid)
    if (member) {
      return {
        name: member.name,
        corpId: YUNQI,
        dingUserId: userid,
        unionId: user.unionId,
        jobNumber: member.jobNumber ?? '',
        phone: user.mobile,
        email: member.orgEmail ?? user.email,
      }
    }
  }
  throw new Error(`no member ${userid} in the fixture`)
}

/** The page shows the bound profile of `userid` and the server's session is that person's. */
async function expectLoggedInAs(login: LoginPage, userid: string): Promise<void> {
  const expected = yunqiMember(userid)
  await expect.poll(() => login.profile.isVisible(), { timeout: 10_000 }).toBe(true)
  await expect(login.page.getByRole('heading', { name: `欢迎，${expected.name}` }).isVisible()).resolves.toBe(
    true,
  )
  const shown: Record<string, string> = {}
  for (const key of Object.keys(expected)) shown[key] = (await login.field(key).textContent()) ?? ''
  expect(shown).toEqual(expected)
  const userId = (await login.field('userId').textContent()) ?? ''
  expect(userId).not.toBe('')

  const session = await login.session()
  expect(session.status).toBe(200)
  expect(session.body).toMatchObject({
    user: { id: userId, name: expected.name },
    binding: { corpId: YUNQI, dingUserId: userid, unionId: expected.unionId, jobNumber: expected.jobNumber },
  })
}

const alertText = (login: LoginPage, root = login.page.locator('body')) =>
  root.getByRole('alert').first().textContent()

describe('QR login', () => {
  it('the test scans through the emulator and the page ends logged in with the bound profile shown', async () => {
    const login = await open({ mode: 'qr' })
    await expectState(login.qr, 'waiting-for-scan')
    expect(await login.qr.getByRole('status').textContent()).toBe('请用钉钉扫码登录')
    const frame = login.qr.locator('iframe')
    expect(await frame.isVisible()).toBe(true)
    expect(new URL((await frame.getAttribute('src'))!).origin).toBe(stack.emulator.url)
    expect((await login.session()).status).toBe(401)
    // The QR frame's capture of ddlogin.js's listener leaves window's addEventListener inherited, as it was.
    expect(
      await login.page.evaluate(() => Object.prototype.hasOwnProperty.call(window, 'addEventListener')),
    ).toBe(false)

    const scan = await scanShownQr(stack, login, { userid: ZHANG_WEI, approve: true })
    expect(scan.status).toBe('approved')

    await expectState(login.qr, 'success')
    expect(await login.qr.getByRole('status').textContent()).toBe('登录成功')
    await expectLoggedInAs(login, ZHANG_WEI)
    // StrictMode double mount, one config, one exchange of the code; the QR path never loads dingtalk-jsapi.
    expect(login.apiCalls).toEqual(['GET /config', 'POST /login/qr'])
    expect(login.scripts.filter((s) => stack.app.jsapiChunks.includes(s))).toEqual([])
    expect(login.pageErrors).toEqual([])
  })
})

describe('the flow picker (DingTalkLogin)', () => {
  it('outside DingTalk shows the QR code, and scanning it logs in', async () => {
    const login = await open()
    await expectState(login.workbench, 'not-in-dingtalk')
    await expectState(login.qr, 'waiting-for-scan')
    expect(await login.qr.locator('iframe').isVisible()).toBe(true)
    expect(await login.page.getByRole('alert').count()).toBe(0)
    expect(login.scripts.filter((s) => stack.app.jsapiChunks.includes(s))).toEqual([])

    await scanShownQr(stack, login, { userid: LIU_YANG, approve: true })
    await expectState(login.qr, 'success')
    await expectLoggedInAs(login, LIU_YANG)
    expect(login.apiCalls).toEqual(['GET /config', 'POST /login/qr'])
    expect(login.pageErrors).toEqual([])
  })
})

describe.each([
  { platform: 'ios', userid: ZHANG_WEI },
  { platform: 'android', userid: LI_NA },
])('workbench login in the $platform container', ({ platform, userid }) => {
  it('the real dingtalk-jsapi gets a free-login code from the emulator and the page ends logged in', async () => {
    const before = stack.emulator.stats().byEndpoint['POST /topapi/v2/user/getuserinfo'] ?? 0
    const login = await open({ container: platform, corpId: YUNQI, userid })
    await expectState(login.workbench, 'success')
    expect(await login.workbench.getByRole('status').textContent()).toBe('登录成功')
    await expectLoggedInAs(login, userid)

    // Free login, not the QR code: no QR login was rendered, and the server exchanged one free-login code.
    expect(await login.qr.count()).toBe(0)
    expect(login.apiCalls).toEqual(['GET /config', 'POST /login/workbench'])
    expect(stack.emulator.stats().byEndpoint['POST /topapi/v2/user/getuserinfo']).toBe(before + 1)
    // dingtalk-jsapi was loaded, on demand, from its own chunks.
    expect(login.scripts.filter((s) => stack.app.jsapiChunks.includes(s)).length).toBeGreaterThan(0)
    expect(login.pageErrors).toEqual([])
  })
})

describe('a failed free login falls back to the QR code', () => {
  it('the container refuses the code (a user of another corp), the QR code shows and scanning it logs in', async () => {
    const login = await open({ container: 'android', corpId: YUNQI, userid: ZHAO_MIN, userCorpId: XINGHE })
    await expectState(login.workbench, 'error')
    // No retry beside the fallback, so no "请重试": the fallback's hint is the alert.
    expect(await alertText(login, login.workbench)).toBe('钉钉免登失败，请扫码登录')
    await expect
      .poll(() => login.page.locator('[data-code]').allTextContents())
      .toEqual([expect.stringMatching(/^auth-code-failed: .*not a member/)])
    await expectState(login.qr, 'waiting-for-scan')
    expect(await login.qr.locator('iframe').isVisible()).toBe(true)
    expect((await login.session()).status).toBe(401)

    await scanShownQr(stack, login, { userid: ZHANG_WEI, approve: true })
    await expectState(login.qr, 'success')
    await expectLoggedInAs(login, ZHANG_WEI)
    expect(login.apiCalls).toEqual(['GET /config', 'GET /config', 'POST /login/qr'])
  })

  it('the server cannot exchange the code (DingTalk busy), the QR code shows without a retry beside it, and logs in', async () => {
    stack.emulator.addFault({ endpoint: 'POST /topapi/v2/user/getuserinfo', kind: 'busy', count: 1 })
    const login = await open({ container: 'ios', corpId: YUNQI, userid: ZHANG_WEI })
    await expectState(login.workbench, 'error')
    await expectState(login.qr, 'waiting-for-scan')
    // The server's own message for upstream_unavailable, in the page's language; the fallback hint on its own line.
    expect(await alertText(login, login.workbench)).toBe('钉钉服务暂时不可用，请稍后再试')
    expect(await login.workbench.getByText('钉钉免登失败，请扫码登录').isVisible()).toBe(true)
    await expect
      .poll(() => login.page.locator('[data-code]').allTextContents())
      .toEqual(['exchange-failed: 钉钉服务暂时不可用，请稍后再试'])
    expect(login.apiCalls).toEqual(['GET /config', 'POST /login/workbench', 'GET /config'])
    expect(stack.takeServerLog()).toContainEqual(
      expect.objectContaining({
        level: 'error',
        obj: expect.objectContaining({ reason: 'upstream_unavailable' }),
      }),
    )

    // A retry of the free login would replace the QR code (and, after a scan, its login): the QR code is the way on.
    expect(await login.page.getByRole('button', { name: '重试' }).count()).toBe(0)
    await scanShownQr(stack, login, { userid: ZHANG_WEI, approve: true })
    await expectState(login.qr, 'success')
    await expectLoggedInAs(login, ZHANG_WEI)
    expect(await login.page.getByRole('button', { name: '重试' }).count()).toBe(0)
    expect(login.apiCalls).toEqual(['GET /config', 'POST /login/workbench', 'GET /config', 'POST /login/qr'])
  })
})

describe('a refused scan', () => {
  it('shows a clear error, and the retry (by keyboard) shows a new QR code that logs in', async () => {
    const login = await open({ mode: 'qr' })
    await expectState(login.qr, 'waiting-for-scan')
    const refused = await scanShownQr(stack, login, { userid: ZHANG_WEI, approve: false })
    expect(refused.status).toBe('refused')

    await expectState(login.qr, 'error')
    // DingTalk's own reason from the QR page, not only a generic "please retry".
    expect(await alertText(login, login.qr)).toBe('用户取消了授权')
    await expect
      .poll(() => login.page.locator('[data-code]').allTextContents())
      .toEqual(['auth-code-failed: 用户取消了授权'])
    expect(await login.qr.locator('iframe').count()).toBe(0)
    expect((await login.session()).status).toBe(401)

    // The retry button is reachable with Tab and works with Enter.
    const retry = login.qr.getByRole('button', { name: '重试' })
    let focused = false
    for (let i = 0; i < 10 && !focused; i++) {
      await login.page.keyboard.press('Tab')
      focused = await retry.evaluate((button) => button === document.activeElement)
    }
    expect(focused).toBe(true)
    await login.page.keyboard.press('Enter')

    await expectState(login.qr, 'waiting-for-scan')
    expect(await login.qr.getByRole('alert').count()).toBe(0)
    expect(login.configStates).toHaveLength(2)
    expect(login.configStates[1]).not.toBe(login.configStates[0])

    await scanShownQr(stack, login, { userid: ZHANG_WEI, approve: true })
    await expectState(login.qr, 'success')
    await expectLoggedInAs(login, ZHANG_WEI)
    expect(login.apiCalls).toEqual(['GET /config', 'GET /config', 'POST /login/qr'])
    expect(login.pageErrors).toEqual([])
  })
})
