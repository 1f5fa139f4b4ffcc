import { createDingTalkLoginClient, createQrLoginStore } from 'react-dingtalk-login/core'
import type { DTFrameLogin, DingTalkLoginError } from 'react-dingtalk-login/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, fakeConfig } from '../../fakes/dingtalk'

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

// Review finding 2: a synchronous errorCbk ended the run before the frame's dispose and the refresh timer were
// registered, so both outlived it.
describe('a DTFrameLogin that fails synchronously', () => {
  it('leaves no message listener and no refresh timer, and reports once', async () => {
    vi.useFakeTimers()
    const failing: DTFrameLogin = (_frame, _login, _success, errorCbk) => errorCbk?.('Element not found')
    const backend = createFakeBackend()
    const onError = vi.fn<(error: DingTalkLoginError) => void>()
    const add = vi.spyOn(window, 'addEventListener')
    const remove = vi.spyOn(window, 'removeEventListener')
    const store = createQrLoginStore({ fetch: backend.fetch, loadSdk: async () => failing, onError })
    const container = document.body.appendChild(document.createElement('div'))
    const stop = store.getState().mount(container)
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().error).toMatchObject({ code: 'auth-code-failed', message: 'Element not found' })
    const added = add.mock.calls.filter(([type]) => type === 'message').map(([, listener]) => listener)
    const removed = remove.mock.calls.filter(([type]) => type === 'message').map(([, listener]) => listener)
    expect(removed).toEqual(added)
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(20 * 60_000)
    expect(onError).toHaveBeenCalledOnce()
    expect(backend.requests).toHaveLength(1)
    stop()
    container.remove()
  })

  it('is not reached with a config that lacks what the QR login needs', async () => {
    for (const key of ['appKey', 'redirectUri', 'scope', 'loginOrigin'] as const) {
      const client = createDingTalkLoginClient({
        fetch: async () => Response.json({ ...fakeConfig(), [key]: '' }),
      })
      await expect(client.getConfig()).rejects.toMatchObject({
        code: 'exchange-failed',
        message: 'bad config',
      })
    }
  })
})
