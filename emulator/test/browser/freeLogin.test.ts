import { startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../test/support/chromium'
import { bundleJsapi } from './bundleJsapi'
import { APP, XINGHE_CORP, YUNQI_CORP, ZHANGWEI, getUserInfo } from './defaultFixture'
import type { PageServer } from './servePages'
import { servePages } from './servePages'

let browser: Browser
let emulator: RunningEmulator
let app: PageServer

beforeAll(async () => {
  const [b, jsapi, e] = await Promise.all([launchChromium(), bundleJsapi(), startEmulator({ port: 0 })])
  browser = b
  emulator = e
  const page = (platform: string, clientId = '') =>
    `<!doctype html><html><head><meta charset="utf-8">
<script src="${emulator.url}/__emulator/dd-container.js?corpId=${YUNQI_CORP}&userid=${ZHANGWEI}&platform=${platform}${clientId}"></script>
<script src="/jsapi.js"></script></head><body>workbench</body></html>`
  app = await servePages({
    '/jsapi.js': jsapi,
    '/ios.html': page('ios'),
    '/android.html': page('android', `&clientId=${APP.clientId}`),
    '/browser.html': `<!doctype html><script src="/jsapi.js"></script>`,
  })
})

afterAll(async () => {
  await browser?.close()
  await app?.close()
  await emulator?.close()
})

type Jsapi = {
  getENV(): { platform: string; version: string }
  requestAuthCode(p: { corpId: string; clientId: string }): Promise<{ code: string }>
  oldRequestAuthCode(p: { corpId: string }): Promise<{ code: string }>
}

describe.each(['ios', 'android'])('the real dingtalk-jsapi with the %s container shim', (platform) => {
  it('believes it is inside DingTalk and gets single-use free-login codes from both APIs', async () => {
    const page = await (await browser.newContext()).newPage()
    try {
      await page.goto(`${app.origin}/${platform}.html`)
      const env = await page.evaluate(() => (window as unknown as { jsapi: Jsapi }).jsapi.getENV())
      expect(env).toMatchObject({ platform, version: '7.6.0' })
      expect(await page.evaluate(() => navigator.userAgent)).toContain('AliApp(DingTalk/7.6.0)')

      const codes = await page.evaluate(
        async ({ corpId, clientId }) => {
          const { jsapi } = window as unknown as { jsapi: Jsapi }
          const viaNew = await jsapi.requestAuthCode({ corpId, clientId })
          const viaOld = await jsapi.oldRequestAuthCode({ corpId })
          return [viaNew, viaOld]
        },
        { corpId: YUNQI_CORP, clientId: APP.clientId },
      )
      for (const result of codes) {
        expect(result).toEqual({ code: expect.stringMatching(/^[0-9a-f]{32}$/) })
        const first = await getUserInfo(emulator.url, result.code)
        expect(first).toMatchObject({
          errcode: 0,
          result: { userid: ZHANGWEI, name: '张伟', sys: true, sys_level: 1 },
        })
        const second = await getUserInfo(emulator.url, result.code)
        expect(second).toMatchObject({ errcode: 40078, errmsg: '不存在的临时授权码' })
      }

      // A corp the signed-in user is not in: the container fails like a client would.
      const failure = await page.evaluate(async (corpId) => {
        const { jsapi } = window as unknown as { jsapi: Jsapi }
        return jsapi.oldRequestAuthCode({ corpId }).then(
          () => 'resolved',
          (error: { errorCode: string; errorMessage: string }) => error,
        )
      }, XINGHE_CORP)
      expect(failure).toMatchObject({ errorCode: '7', errorMessage: expect.stringContaining('not a member') })
    } finally {
      await page.context().close()
    }
  })
})

describe('without the shim', () => {
  it('dingtalk-jsapi reports notInDingTalk', async () => {
    const page = await (await browser.newContext()).newPage()
    try {
      await page.goto(`${app.origin}/browser.html`)
      const env = await page.evaluate(() => (window as unknown as { jsapi: Jsapi }).jsapi.getENV())
      expect(env.platform).toBe('notInDingTalk')
    } finally {
      await page.context().close()
    }
  })
})
