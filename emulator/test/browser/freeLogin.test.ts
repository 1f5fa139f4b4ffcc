import { startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../test/support/chromium'
import { bundleJsapi } from './bundleJsapi'
import type { PageServer } from './servePages'
import { servePages } from './servePages'

const CORP = 'ding14baf2538452a2d9d39123d5899249cb'
const OTHER_CORP = 'dinge3e10f41714ca803e1123e3ad40948f6'
const APP = {
  clientId: 'ding11n2pel2hylcaph2',
  secret: 'pIUNcHwUqKDKXXNzdcsl2jAAKKXyw_9IP2E7pSBx-_nUystfGgNHNB1PGWQesn9o',
}
const USERID = '0138261547271'

let browser: Browser
let emulator: RunningEmulator
let app: PageServer

beforeAll(async () => {
  const [b, jsapi, e] = await Promise.all([launchChromium(), bundleJsapi(), startEmulator({ port: 0 })])
  browser = b
  emulator = e
  const page = (platform: string, clientId = '') =>
    `<!doctype html><html><head><meta charset="utf-8">
<script src="${emulator.url}/__emulator/dd-container.js?corpId=${CORP}&userid=${USERID}&platform=${platform}${clientId}"></script>
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

async function getUserInfo(code: string): Promise<Record<string, unknown>> {
  const tokenRes = await fetch(`${emulator.url}/gettoken?appkey=${APP.clientId}&appsecret=${APP.secret}`)
  const { access_token } = (await tokenRes.json()) as { access_token: string }
  const res = await fetch(`${emulator.url}/topapi/v2/user/getuserinfo?access_token=${access_token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  })
  return (await res.json()) as Record<string, unknown>
}

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
        { corpId: CORP, clientId: APP.clientId },
      )
      for (const result of codes) {
        expect(result).toEqual({ code: expect.stringMatching(/^[0-9a-f]{32}$/) })
        const first = await getUserInfo(result.code)
        expect(first).toMatchObject({
          errcode: 0,
          result: { userid: USERID, name: '张伟', sys: true, sys_level: 1 },
        })
        const second = await getUserInfo(result.code)
        expect(second).toMatchObject({ errcode: 40078, errmsg: '不存在的临时授权码' })
      }

      // A corp the signed-in user is not in: the container fails like a client would.
      const failure = await page.evaluate(async (corpId) => {
        const { jsapi } = window as unknown as { jsapi: Jsapi }
        return jsapi.oldRequestAuthCode({ corpId }).then(
          () => 'resolved',
          (error: { errorCode: string; errorMessage: string }) => error,
        )
      }, OTHER_CORP)
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
