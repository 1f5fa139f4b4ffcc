import { DingTalkLoginError, mountQrFrame, toLoginParams } from 'react-dingtalk-login/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeQrSdk, fakeConfig } from '../../fakes/dingtalk'

let container: HTMLDivElement
beforeEach(() => {
  container = document.createElement('div')
  document.body.appendChild(container)
})
afterEach(() => {
  container.remove()
  vi.restoreAllMocks()
})

function mount(config = fakeConfig()) {
  const sdk = createFakeQrSdk()
  const onCode = vi.fn<(code: string) => void>()
  const onError = vi.fn<(error: DingTalkLoginError) => void>()
  const dispose = mountQrFrame(
    sdk.DTFrameLogin,
    container,
    { config, width: 320, height: 340 },
    { onCode, onError },
  )
  return { sdk, onCode, onError, dispose }
}

describe('toLoginParams', () => {
  it('encodes every value exactly once, because ddlogin.js appends them verbatim', () => {
    const params = toLoginParams(
      fakeConfig({
        state: 'a&b=c #d',
        scope: 'openid corpid',
        redirectUri: 'https://app.example/cb?x=1&y=2',
      }),
      'dingcorp&1',
    )
    expect(params).toEqual({
      redirect_uri: 'https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D2',
      response_type: 'code',
      client_id: 'dingfakeappkey000001',
      scope: 'openid%20corpid',
      prompt: 'consent',
      state: 'a%26b%3Dc%20%23d',
      corpId: 'dingcorp%261',
    })
  })

  it('leaves corpId out without a hint and falls back to the config corp', () => {
    expect(toLoginParams(fakeConfig())).not.toHaveProperty('corpId')
    expect(toLoginParams(fakeConfig({ corpId: 'dingA' })).corpId).toBe('dingA')
  })
})

describe('mountQrFrame', () => {
  it('builds an iframe URL whose query parses back to the raw values', () => {
    const config = fakeConfig({ state: 'a&b=c #d' })
    const { sdk } = mount(config)
    const call = sdk.calls[0]!
    expect(call.frameParams).toEqual({ id: container.id, width: 320, height: 340 })
    expect(container.id).toMatch(/^dingtalk-qr-/)
    expect(container.querySelector('iframe')).toBe(call.iframe)
    const url = new URL(call.src)
    expect(url.origin + url.pathname).toBe('https://login.dingtalk.com/oauth2/auth')
    expect(url.searchParams.get('iframe')).toBe('true')
    expect(url.searchParams.get('state')).toBe('a&b=c #d')
    expect(url.searchParams.get('redirect_uri')).toBe(config.redirectUri)
    expect(url.searchParams.get('scope')).toBe('openid corpid')
  })

  it('decodes a percent-encoded authCode and reports it once despite duplicate messages', () => {
    const { sdk, onCode, onError } = mount()
    sdk.emitScan('c0de+/=ü')
    sdk.emitScan('c0de+/=ü')
    expect(onCode).toHaveBeenCalledTimes(1)
    expect(onCode).toHaveBeenCalledWith('c0de+/=ü')
    expect(onError).not.toHaveBeenCalled()
  })

  it('reports a state mismatch instead of the code', () => {
    const { sdk, onCode, onError } = mount()
    sdk.emitScan('code-1', { state: 'forged' })
    expect(onCode).not.toHaveBeenCalled()
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'state-mismatch' }))
  })

  it('ignores empty error callbacks and reports real failures as auth-code-failed', () => {
    const { sdk, onError } = mount()
    sdk.emitEmpty()
    sdk.emitRaw({ success: false })
    expect(onError).not.toHaveBeenCalled()
    sdk.emitFailure('操作失败，你不在组织内')
    expect(onError).toHaveBeenCalledTimes(1)
    const error = onError.mock.calls[0]![0]
    expect(error).toBeInstanceOf(DingTalkLoginError)
    expect(error).toMatchObject({ code: 'auth-code-failed', message: '操作失败，你不在组织内' })
  })

  it('accepts messages only from the config login origin', () => {
    const { sdk, onCode } = mount()
    sdk.emitScan('code-1', { origin: 'https://login.dingtalk.com.evil.example' })
    sdk.emitScan('code-1', { origin: 'https://pre-login.dingtalk.com' })
    expect(onCode).not.toHaveBeenCalled()
    sdk.emitScan('code-1')
    expect(onCode).toHaveBeenCalledTimes(1)
  })

  it('keeps one window listener per mount, although the vendor adds one per call, and removes it on dispose', () => {
    const sdk = createFakeQrSdk()
    const handlers = () => ({ onCode: vi.fn<(code: string) => void>(), onError: vi.fn() })
    const first = handlers()
    const second = handlers()
    const options = { config: fakeConfig() }
    mountQrFrame(sdk.DTFrameLogin, container, options, first)()
    const dispose = mountQrFrame(sdk.DTFrameLogin, container, options, second)
    expect(sdk.listeners).toHaveLength(2)
    expect(Object.getOwnPropertyDescriptor(window, 'addEventListener')?.value).not.toBeTypeOf('function')

    // Raw ddlogin.js would deliver this scan to both vendor listeners; only the live mount's one hears it.
    sdk.emitScan('code-2')
    expect(sdk.deliveries).toBe(1)
    expect(first.onCode).not.toHaveBeenCalled()
    expect(second.onCode).toHaveBeenCalledWith('code-2')

    dispose()
    sdk.emitScan('code-3')
    expect(sdk.deliveries).toBe(1)
  })

  it('leaves addEventListener inherited on a window that inherits it, as a browser window does', () => {
    // Under Vitest the global's addEventListener is an own accessor; a browser's window gets it from
    // EventTarget.prototype, so that a later patch of it (zone.js, monitoring tools) reaches window's listeners too.
    const browserWindow = new EventTarget()
    vi.stubGlobal('window', browserWindow)
    try {
      mount().dispose()
      expect(Object.prototype.hasOwnProperty.call(browserWindow, 'addEventListener')).toBe(false)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('removes its iframe on dispose and is inert afterwards', () => {
    const { sdk, dispose, onCode, onError } = mount()
    dispose()
    expect(container.querySelector('iframe')).toBeNull()
    // The vendor's own callbacks may still be reachable (for a vendor that registers some other way).
    sdk.listeners[0]!(
      new MessageEvent('message', {
        origin: 'https://login.dingtalk.com',
        data: { success: false, errorMsg: 'x' },
      }),
    )
    expect(onError).not.toHaveBeenCalled()
    expect(onCode).not.toHaveBeenCalled()
    dispose()
  })
})
