import { startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../test/support/chromium'
import { bundleJsapi } from './bundleJsapi'
import { APP, XINGHE_CORP, YUNQI_CORP, ZHANGWEI, getUserInfo } from './defaultFixture'
import type { PageServer } from './servePages'
import { servePages } from './servePages'

/* 张伟 (云栖), 李娜 (云栖 01214738, 星河 lina), 赵敏 (星河 only). */

let browser: Browser
let emulator: RunningEmulator
let app: PageServer

type Failure = { errorCode: string; errorMessage: string }
type Jsapi = {
  getENV(): { platform: string; version: string }
  requestAuthCode(p: {
    corpId: string
    clientId: string
    onFail?: (e: Failure) => void
  }): Promise<{ code: string }>
  oldRequestAuthCode(p: { corpId: string }): Promise<{ code: string }>
}

const page = (query: string) =>
  `<!doctype html><html><head><meta charset="utf-8">
<script src="EMULATOR/__emulator/dd-container.js?${query}"></script>
<script src="/jsapi.js"></script></head><body>workbench</body></html>`

beforeAll(async () => {
  const [b, jsapi, e] = await Promise.all([launchChromium(), bundleJsapi(), startEmulator({ port: 0 })])
  browser = b
  emulator = e
  const pages: Record<string, string> = {
    '/jsapi.js': jsapi,
    '/pc.html': page(`platform=pc&corpId=${YUNQI_CORP}&userid=${ZHANGWEI}&clientId=${APP.clientId}`),
    '/harmony.html': page(`platform=harmony&corpId=${YUNQI_CORP}&userid=${ZHANGWEI}`),
    // 李娜 signed in with her 星河 userid while the client is in 云栖 (she is a member of both).
    '/pc-other-corp-userid.html': page(
      `platform=pc&corpId=${YUNQI_CORP}&userid=lina&userCorpId=${XINGHE_CORP}`,
    ),
    // The same userid without userCorpId: no such person in 云栖.
    '/pc-wrong-corp.html': page(`platform=pc&corpId=${YUNQI_CORP}&userid=lina`),
    // 赵敏 is only in 星河.
    '/harmony-non-member.html': page(
      `platform=harmony&corpId=${YUNQI_CORP}&userid=0267183945&userCorpId=${XINGHE_CORP}`,
    ),
    '/pc-in-frame.html': `<!doctype html><iframe id="f" src="/pc.html"></iframe>`,
  }
  for (const key of Object.keys(pages)) pages[key] = pages[key]!.replace('EMULATOR', emulator.url)
  app = await servePages(pages)
})

afterAll(async () => {
  await browser?.close()
  await app?.close()
  await emulator?.close()
})

async function open(path: string): Promise<{ page: Page; warnings: string[]; errors: string[] }> {
  const p = await (await browser.newContext()).newPage()
  const warnings: string[] = []
  const errors: string[] = []
  p.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text())
  })
  p.on('pageerror', (error) => errors.push(error.message))
  await p.goto(`${app.origin}${path}`)
  return { page: p, warnings, errors }
}

const env = (p: Page) => p.evaluate(() => (window as unknown as { jsapi: Jsapi }).jsapi.getENV())

/** Both requestAuthCode APIs, each settled: `{ code }` or the failure the container gave. */
function requestBoth(p: Page, corpId: string) {
  return p.evaluate(
    async ({ corpId, clientId }) => {
      const { jsapi } = window as unknown as { jsapi: Jsapi }
      const settle = (promise: Promise<unknown>) =>
        promise.then(
          (value) => ({ value }),
          (failure) => ({ failure }),
        )
      const failures: unknown[] = []
      const viaNew = await settle(
        jsapi.requestAuthCode({ corpId, clientId, onFail: (e) => failures.push(e) }),
      )
      const viaOld = await settle(jsapi.oldRequestAuthCode({ corpId }))
      return { viaNew, viaOld, failures }
    },
    { corpId, clientId: APP.clientId },
  )
}

describe.each([
  ['pc', '/pc.html'],
  ['harmony', '/harmony.html'],
])('the real dingtalk-jsapi in the %s container shim', (platform, path) => {
  it('believes it is inside DingTalk and gets single-use free-login codes from both APIs', async () => {
    const { page: p, errors } = await open(path)
    try {
      expect(await env(p)).toMatchObject({ platform, version: '7.6.0' })
      const { viaNew, viaOld, failures } = await requestBoth(p, YUNQI_CORP)
      expect(failures).toEqual([])
      for (const result of [viaNew, viaOld]) {
        expect(result).toEqual({ value: { code: expect.stringMatching(/^[0-9a-f]{32}$/) } })
        const code = (result as { value: { code: string } }).value.code
        expect(await getUserInfo(emulator.url, code)).toMatchObject({
          errcode: 0,
          result: { userid: ZHANGWEI, name: '张伟' },
        })
        expect(await getUserInfo(emulator.url, code)).toMatchObject({ errcode: 40078 })
      }
      // A corp the person is not in: the call fails as a client would, through the promise and onFail.
      const other = await requestBoth(p, XINGHE_CORP)
      const notMember = { errorCode: '7', errorMessage: expect.stringContaining('not a member') }
      expect(other.viaNew).toEqual({ failure: notMember })
      expect(other.viaOld).toEqual({ failure: notMember })
      expect(other.failures).toEqual([notMember])
      expect(errors).toEqual([])
    } finally {
      await p.context().close()
    }
  })
})

describe('the shim parameters', () => {
  it('userCorpId: a person signed in with the userid of their other corp', async () => {
    const { page: p } = await open('/pc-other-corp-userid.html')
    try {
      const { viaNew } = await requestBoth(p, YUNQI_CORP)
      const code = (viaNew as { value: { code: string } }).value.code
      expect(await getUserInfo(emulator.url, code)).toMatchObject({
        errcode: 0,
        result: { userid: '01214738', name: '李娜' },
      })
    } finally {
      await p.context().close()
    }
  })

  it.each([
    ['/pc-wrong-corp.html', 'pc', `no user lina in ${YUNQI_CORP} (pass userCorpId`],
    ['/harmony-non-member.html', 'harmony', `赵敏 is not a member of ${YUNQI_CORP}`],
  ])(
    '%s: never throws at load; the page is inside DingTalk and requestAuthCode fails with the reason',
    async (path, platform, reason) => {
      const { page: p, warnings, errors } = await open(path)
      try {
        expect(errors).toEqual([])
        expect(await env(p)).toMatchObject({ platform })
        const failure = { errorCode: '7', errorMessage: expect.stringContaining(reason) }
        const { viaNew, viaOld, failures } = await requestBoth(p, YUNQI_CORP)
        expect(viaNew).toEqual({ failure })
        expect(viaOld).toEqual({ failure })
        expect(failures).toEqual([failure])
        expect(warnings.join('\n')).toContain(reason)
      } finally {
        await p.context().close()
      }
    },
  )

  it('PC: works inside a frame of another page too', async () => {
    const { page: p } = await open('/pc-in-frame.html')
    try {
      const frame = p.frameLocator('#f')
      await frame.locator('body').waitFor()
      const inner = p.frames().find((f) => f.url().endsWith('/pc.html'))!
      await expect
        .poll(() => inner.evaluate(() => typeof (window as unknown as { jsapi?: Jsapi }).jsapi))
        .toBe('object')
      expect(
        await inner.evaluate(() => (window as unknown as { jsapi: Jsapi }).jsapi.getENV().platform),
      ).toBe('pc')
      const code = await inner.evaluate(
        ({ corpId, clientId }) =>
          (window as unknown as { jsapi: Jsapi }).jsapi.requestAuthCode({ corpId, clientId }),
        { corpId: YUNQI_CORP, clientId: APP.clientId },
      )
      expect(code).toEqual({ code: expect.stringMatching(/^[0-9a-f]{32}$/) })
    } finally {
      await p.context().close()
    }
  })
})
