import { mountQrFrame } from 'react-dingtalk-login/core'
import { describe, expect, it, vi } from 'vitest'
import { createFakeQrSdk, fakeConfig, FAKE_LOGIN_ORIGIN } from '../../fakes/dingtalk'

// Review finding 5: a scan in QR login B put QR login A into state-mismatch.
describe('two QR logins on one page', () => {
  it('each hears only its own iframe', () => {
    const sdk = createFakeQrSdk()
    const mount = (state: string) => {
      const container = document.body.appendChild(document.createElement('div'))
      const handlers = { onCode: vi.fn(), onError: vi.fn() }
      const dispose = mountQrFrame(sdk.DTFrameLogin, container, { config: fakeConfig({ state }) }, handlers)
      return { container, handlers, dispose }
    }
    const a = mount('state-a')
    const b = mount('state-b')
    const frameB = b.container.querySelector('iframe')!
    window.dispatchEvent(
      new MessageEvent('message', {
        origin: FAKE_LOGIN_ORIGIN,
        source: frameB.contentWindow,
        data: {
          success: true,
          redirectUrl: 'https://app.example/login/callback?authCode=code-b&state=state-b',
        },
      }),
    )
    expect(b.handlers.onCode).toHaveBeenCalledWith('code-b')
    expect(a.handlers.onError).not.toHaveBeenCalled()
    expect(a.handlers.onCode).not.toHaveBeenCalled()
    a.dispose()
    b.dispose()
    a.container.remove()
    b.container.remove()
  })
})
