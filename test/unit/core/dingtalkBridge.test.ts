import { createDingTalkBridge } from 'react-dingtalk-login/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// The per-API modules of dingtalk-jsapi, replaced so each test decides what the client answers.
const jsapi = vi.hoisted(() => ({
  env: { platform: 'ios' } as { platform: string },
  newApi: vi.fn<(params: { corpId: string; clientId: string }) => Promise<unknown>>(),
  oldApi: vi.fn<(params: { corpId: string }) => Promise<unknown>>(),
  unionLoads: 0,
}))
vi.mock('dingtalk-jsapi/entry/union', () => {
  jsapi.unionLoads++
  return { default: { env: jsapi.env } }
})
vi.mock('dingtalk-jsapi/api/union/requestAuthCode', () => ({ default: jsapi.newApi }))
// Some bundlers hand a CommonJS module's `exports.default` one level deeper.
vi.mock('dingtalk-jsapi/api/runtime/permission/requestAuthCode', () => ({
  default: { default: jsapi.oldApi },
}))

const IOS = (version: string) =>
  `Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AliApp(DingTalk/${version}) com.laiwang.DingTalk/1`
const PC_WIN = 'Mozilla/5.0 (Windows NT 10.0) Chrome/108 dingtalk-win/1.0.0 DingTalk(7.0.49-Release.1)'

function setUserAgent(ua: string) {
  Object.defineProperty(navigator, 'userAgent', { configurable: true, get: () => ua })
}

beforeEach(() => {
  jsapi.env.platform = 'ios'
  jsapi.newApi.mockReset()
  jsapi.oldApi.mockReset()
})
afterEach(() => {
  delete (navigator as { userAgent?: string }).userAgent
  delete (window as { dingtalk?: unknown }).dingtalk
})

describe('createDingTalkBridge', () => {
  it('outside DingTalk: reports not-in-dingtalk and never loads dingtalk-jsapi', async () => {
    const bridge = createDingTalkBridge()
    expect(bridge.getEnv()).toEqual({ platform: 'not-in-dingtalk', inDingTalk: false, version: undefined })
    await expect(bridge.requestAuthCode({ corpId: 'c', clientId: 'k' })).rejects.toMatchObject({
      code: 'environment',
    })
    expect(jsapi.unionLoads).toBe(0)
    expect(jsapi.newApi).not.toHaveBeenCalled()
  })

  it('uses the new requestAuthCode({ corpId, clientId }) on clients that have it', async () => {
    setUserAgent(IOS('7.6.0'))
    jsapi.newApi.mockResolvedValue({ code: 'new-code' })
    const bridge = createDingTalkBridge()
    expect(bridge.getEnv()).toMatchObject({ platform: 'ios', version: '7.6.0' })
    await expect(bridge.requestAuthCode({ corpId: 'dingc', clientId: 'dingk' })).resolves.toBe('new-code')
    expect(jsapi.newApi).toHaveBeenCalledWith({ corpId: 'dingc', clientId: 'dingk' })
    expect(jsapi.oldApi).not.toHaveBeenCalled()
    expect(jsapi.unionLoads).toBe(1)
  })

  it('uses the old runtime.permission.requestAuthCode({ corpId }) on older clients and without clientId', async () => {
    setUserAgent(IOS('7.0.44'))
    jsapi.oldApi.mockResolvedValue({ code: 'old-code' })
    const bridge = createDingTalkBridge()
    await expect(bridge.requestAuthCode({ corpId: 'dingc', clientId: 'dingk' })).resolves.toBe('old-code')
    expect(jsapi.oldApi).toHaveBeenCalledWith({ corpId: 'dingc' })
    expect(jsapi.newApi).not.toHaveBeenCalled()

    setUserAgent(IOS('7.6.0'))
    await expect(bridge.requestAuthCode({ corpId: 'dingc' })).resolves.toBe('old-code')
    expect(jsapi.newApi).not.toHaveBeenCalled()
  })

  it('treats PC clients older than 7.0.50 as old', async () => {
    setUserAgent(PC_WIN)
    ;(window as { dingtalk?: unknown }).dingtalk = { platform: { invokeAPI() {} } }
    jsapi.env.platform = 'pc'
    jsapi.oldApi.mockResolvedValue({ code: 'pc-old' })
    const bridge = createDingTalkBridge()
    expect(bridge.getEnv()).toMatchObject({ platform: 'pc', version: '7.0.49' })
    await expect(bridge.requestAuthCode({ corpId: 'c', clientId: 'k' })).resolves.toBe('pc-old')
    expect(jsapi.newApi).not.toHaveBeenCalled()
  })

  it('falls back to the old API when the new one is unsupported, but not on other failures', async () => {
    setUserAgent(IOS('7.6.0'))
    jsapi.newApi.mockRejectedValueOnce({
      errorCode: 4050,
      errorMessage: "'requestAuthCodeV2' do not support the current platform",
    })
    jsapi.oldApi.mockResolvedValue({ code: 'fallback-code' })
    const bridge = createDingTalkBridge()
    await expect(bridge.requestAuthCode({ corpId: 'c', clientId: 'k' })).resolves.toBe('fallback-code')

    jsapi.newApi.mockRejectedValueOnce({ errorCode: '7', errorMessage: 'no permission' })
    await expect(bridge.requestAuthCode({ corpId: 'c', clientId: 'k' })).rejects.toMatchObject({
      name: 'DingTalkLoginError',
      code: 'auth-code-failed',
      message: 'no permission (7)',
    })
    expect(jsapi.oldApi).toHaveBeenCalledTimes(1)
  })

  it('rejects when jsapi itself finds no container, or answers without a code', async () => {
    setUserAgent(IOS('7.6.0'))
    jsapi.env.platform = 'notInDingTalk'
    const bridge = createDingTalkBridge()
    await expect(bridge.requestAuthCode({ corpId: 'c', clientId: 'k' })).rejects.toMatchObject({
      code: 'environment',
    })
    jsapi.env.platform = 'ios'
    jsapi.newApi.mockResolvedValue({})
    await expect(bridge.requestAuthCode({ corpId: 'c', clientId: 'k' })).rejects.toMatchObject({
      code: 'auth-code-failed',
    })
  })
})
