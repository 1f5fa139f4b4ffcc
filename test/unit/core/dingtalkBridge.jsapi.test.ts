import { createDingTalkBridge } from 'react-dingtalk-login/core'
import { describe, expect, it } from 'vitest'

// The real dingtalk-jsapi 3.2.9 in an emulated iOS DingTalk (dingtalk-protocol.md §3.6, toolchain.md): the UA and
// the container bridge must exist before jsapi is first imported, which the SDK does lazily.
const calls: { method: string; params: Record<string, unknown> }[] = []
let answer: (method: string) => { errorCode: string; result?: unknown; errorMessage?: string } = () => ({
  errorCode: '0',
  result: { code: 'ios-code' },
})
Object.defineProperty(navigator, 'userAgent', {
  configurable: true,
  get: () =>
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AliApp(DingTalk/7.6.0) com.laiwang.DingTalk/1',
})
;(window as unknown as { WebViewJavascriptBridge: unknown }).WebViewJavascriptBridge = {
  init() {},
  registerHandler() {},
  callHandler(method: string, params: Record<string, unknown>, cb: (response: unknown) => void) {
    calls.push({ method, params })
    cb(answer(method))
  },
}

describe('createDingTalkBridge with the real dingtalk-jsapi (emulated iOS container)', () => {
  it('calls the native requestAuthCodeV2 with corpId and clientId', async () => {
    const bridge = createDingTalkBridge()
    await expect(bridge.requestAuthCode({ corpId: 'dingcorp', clientId: 'dingclient' })).resolves.toBe(
      'ios-code',
    )
    expect(calls.map((c) => c.method)).toEqual(['runtime.permission.requestAuthCodeV2'])
    expect(calls[0]!.params).toMatchObject({ corpId: 'dingcorp', clientId: 'dingclient' })
  })

  it('falls back to the native requestAuthCode when the client has no V2', async () => {
    calls.length = 0
    answer = (method) =>
      method.endsWith('V2')
        ? { errorCode: '1', errorMessage: 'method not exist' }
        : { errorCode: '0', result: { code: 'old-ios-code' } }
    const bridge = createDingTalkBridge()
    await expect(bridge.requestAuthCode({ corpId: 'dingcorp', clientId: 'dingclient' })).resolves.toBe(
      'old-ios-code',
    )
    expect(calls.map((c) => c.method)).toEqual([
      'runtime.permission.requestAuthCodeV2',
      'runtime.permission.requestAuthCode',
    ])
  })

  it('reports a container failure as auth-code-failed', async () => {
    answer = () => ({ errorCode: '7', errorMessage: 'no permission' })
    await expect(createDingTalkBridge().requestAuthCode({ corpId: 'c' })).rejects.toMatchObject({
      code: 'auth-code-failed',
      message: 'no permission (7)',
    })
  })
})
