import { createQrLoginStore } from 'react-dingtalk-login/core'
import { describe, expect, it, vi } from 'vitest'
import { createFakeQrSdk, fakeConfig } from '../../fakes/dingtalk'

// Review finding 6: refresh() or retry() before the mount's start microtask started two runs.
describe('refresh right after mount', () => {
  it('starts one run', async () => {
    const fetchConfig = vi.fn(() => Promise.resolve(fakeConfig()))
    const sdk = createFakeQrSdk()
    const store = createQrLoginStore({ fetchConfig, loadSdk: sdk.loadSdk })
    const container = document.body.appendChild(document.createElement('div'))
    const stop = store.getState().mount(container)
    store.getState().refresh()
    await vi.waitFor(() => expect(store.getState().status).toBe('waiting-for-scan'))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(fetchConfig).toHaveBeenCalledOnce()
    expect(sdk.calls).toHaveLength(1)
    stop()
    container.remove()
  })
})
