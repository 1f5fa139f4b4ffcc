import { mountQrFrame } from 'react-dingtalk-login/core'
import { describe, expect, it, vi } from 'vitest'
import { createFakeQrSdk, fakeConfig } from '../../fakes/dingtalk'

// Review finding 3: a bad loginOrigin threw after the vendor iframe was in place.
describe('mountQrFrame with a bad loginOrigin', () => {
  it('throws before the vendor call', () => {
    const sdk = createFakeQrSdk()
    const container = document.body.appendChild(document.createElement('div'))
    const handlers = { onCode: vi.fn(), onError: vi.fn() }
    expect(() =>
      mountQrFrame(
        sdk.DTFrameLogin,
        container,
        { config: fakeConfig({ loginOrigin: 'not a url' }) },
        handlers,
      ),
    ).toThrow()
    expect(sdk.calls).toHaveLength(0)
    expect(container.querySelector('iframe')).toBeNull()
    container.remove()
  })
})
