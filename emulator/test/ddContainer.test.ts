import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { emulator, yunqi, yunqiApp, zhangwei } from './helpers'

type Bridge = { callHandler(method: string, params: unknown, cb: (r: unknown) => void): void }
type Nuva = {
  require(): (
    ok: (r: unknown) => void,
    fail: (e: unknown) => void,
    service: string,
    action: string,
    params: unknown,
  ) => void
}

/** Runs the shim in a bare global with a real fetch, as a page would before dingtalk-jsapi loads. */
async function loadShim(url: string, platform: 'ios' | 'android') {
  const source = await (
    await fetch(
      `${url}/__emulator/dd-container.js?corpId=${yunqi}&userid=${zhangwei.userid}&platform=${platform}&clientId=${yunqiApp.clientId}`,
    )
  ).text()
  const sandbox: Record<string, unknown> = { navigator: {}, fetch, JSON, Object, String }
  sandbox.window = sandbox
  runInNewContext(source, sandbox)
  return sandbox as { navigator: { userAgent: string }; WebViewJavascriptBridge?: Bridge; nuva?: Nuva }
}

describe('the container shim script', () => {
  it('iOS: answers both auth methods through callHandler with errorCode "0" and fails other methods', async () => {
    const e = await emulator()
    const shim = await loadShim(e.url, 'ios')
    expect(shim.navigator.userAgent).toMatch(/iPhone.*AliApp\(DingTalk\/7\.6\.0\)/)
    const call = (method: string, params: unknown) =>
      new Promise<{ errorCode: string; result?: { code: string }; errorMessage?: string }>((resolve) =>
        shim.WebViewJavascriptBridge!.callHandler(method, params, resolve as (r: unknown) => void),
      )
    const v2 = await call('runtime.permission.requestAuthCodeV2', {
      corpId: yunqi,
      clientId: yunqiApp.clientId,
    })
    expect(v2).toEqual({ errorCode: '0', result: { code: expect.stringMatching(/^[0-9a-f]{32}$/) } })
    const v1 = await call('runtime.permission.requestAuthCode', { corpId: yunqi })
    expect(v1.errorCode).toBe('0')
    expect(v1.result!.code).not.toBe(v2.result!.code)
    expect((await call('biz.util.openLink', {})).errorCode).toBe('1')
  })

  it('Android: answers through nuva with { code, authCode } and the configured error code when configured', async () => {
    const e = await emulator({ containerResultKeys: 'both', containerErrorCode: '3' })
    const shim = await loadShim(e.url, 'android')
    expect(shim.navigator.userAgent).toMatch(/Android.*AliApp\(DingTalk\/7\.6\.0\)/)
    const invoke = shim.nuva!.require()
    const call = (action: string, params: unknown) =>
      new Promise<{ ok: boolean; value: Record<string, string> }>((resolve) =>
        invoke(
          (value) => resolve({ ok: true, value: value as Record<string, string> }),
          (value) => resolve({ ok: false, value: value as Record<string, string> }),
          'runtime.permission',
          action,
          params,
        ),
      )
    const ok = await call('requestAuthCode', { corpId: yunqi })
    expect(ok.ok).toBe(true)
    expect(ok.value.authCode).toBe(ok.value.code)
    const refused = await call('requestAuthCode', { corpId: 'dingnotacorp' })
    expect(refused).toEqual({ ok: false, value: { errorCode: '3', errorMessage: 'no corp dingnotacorp' } })
  })
})

describe('the container shim for a person who cannot sign in there', () => {
  it('loads anyway (the page stays inside DingTalk) and every requestAuthCode fails with errorCode and the reason', async () => {
    const e = await emulator()
    const source = await (
      await fetch(`${e.url}/__emulator/dd-container.js?corpId=${yunqi}&userid=lina&platform=ios`)
    ).text()
    const warnings: string[] = []
    const sandbox: Record<string, unknown> = {
      navigator: {},
      fetch,
      JSON,
      Object,
      String,
      Promise,
      console: { warn: (m: string) => warnings.push(m) },
    }
    sandbox.window = sandbox
    expect(() => runInNewContext(source, sandbox)).not.toThrow()
    const bridge = sandbox.WebViewJavascriptBridge as Bridge
    const answer = await new Promise<unknown>((resolve) =>
      bridge.callHandler('runtime.permission.requestAuthCode', { corpId: yunqi }, resolve),
    )
    expect(answer).toEqual({
      errorCode: '7',
      errorMessage: expect.stringContaining(`no user lina in ${yunqi}`),
    })
    expect(warnings[0]).toContain('pass userCorpId')
  })

  it('an unknown platform is reported on the console, not thrown', async () => {
    const e = await emulator()
    const source = await (
      await fetch(`${e.url}/__emulator/dd-container.js?corpId=${yunqi}&userid=x&platform=symbian`)
    ).text()
    expect(source).toMatch(
      /^console\.error\(".*platform must be one of ios, android, pc, harmony, got symbian"\);/,
    )
  })
})
