import { createQrLoginStore, createWorkbenchLoginStore } from 'react-dingtalk-login/core'
import type { DingTalkLoginError } from 'react-dingtalk-login/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createFakeBackend,
  createFakeBridge,
  createFakeQrSdk,
  deferred,
  fakeConfig,
  fakeLoginResult,
} from '../../fakes/dingtalk'

afterEach(() => {
  vi.useRealTimers()
})

// Review finding 1: the backend calls had no timeout, so a stalled one left the store waiting forever.
describe('the deadline of the network steps', () => {
  it('fails a stalled /config with timeout, ignores its late answer and retries', async () => {
    vi.useFakeTimers()
    const config = deferred<ReturnType<typeof fakeConfig>>()
    const fetchConfig = vi.fn(() => config.promise)
    const sdk = createFakeQrSdk()
    const onError = vi.fn<(error: DingTalkLoginError) => void>()
    const store = createQrLoginStore({ fetchConfig, loadSdk: sdk.loadSdk, onError })
    const container = document.body.appendChild(document.createElement('div'))
    const stop = store.getState().mount(container, { sdkTimeoutMs: 1000 })
    await vi.advanceTimersByTimeAsync(999)
    expect(store.getState().status).toBe('loading-config')
    await vi.advanceTimersByTimeAsync(1)
    expect(store.getState().status).toBe('error')
    expect(store.getState().error?.code).toBe('timeout')
    expect(onError).toHaveBeenCalledOnce()
    config.resolve(fakeConfig())
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().status).toBe('error')
    expect(sdk.calls).toHaveLength(0)
    fetchConfig.mockImplementation(() => Promise.resolve(fakeConfig()))
    store.getState().retry()
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().status).toBe('waiting-for-scan')
    // Waiting for a scan is no network step: no deadline.
    await vi.advanceTimersByTimeAsync(5000)
    expect(store.getState().status).toBe('waiting-for-scan')
    stop()
    expect(vi.getTimerCount()).toBe(0)
    container.remove()
  })

  it('fails a stalled /login/qr with timeout, so that retry works, and ignores the late result', async () => {
    vi.useFakeTimers()
    const exchange = deferred<ReturnType<typeof fakeLoginResult>>()
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const onSuccess = vi.fn()
    const store = createQrLoginStore({
      fetch: backend.fetch,
      loadSdk: sdk.loadSdk,
      exchangeCode: () => exchange.promise,
      onSuccess,
    })
    const container = document.body.appendChild(document.createElement('div'))
    const stop = store.getState().mount(container, { sdkTimeoutMs: 2000 })
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().status).toBe('waiting-for-scan')
    sdk.emitScan('code-1')
    expect(store.getState().status).toBe('exchanging')
    await vi.advanceTimersByTimeAsync(2000)
    expect(store.getState().error?.code).toBe('timeout')
    exchange.resolve(fakeLoginResult())
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().status).toBe('error')
    expect(onSuccess).not.toHaveBeenCalled()
    store.getState().retry()
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().status).toBe('waiting-for-scan')
    stop()
    container.remove()
  })

  it('aborts a /login/workbench still in flight at the deadline: no session behind a failed login', async () => {
    vi.useFakeTimers()
    const fake = createFakeBridge()
    const backend = createFakeBackend()
    const release = backend.holdRoute('/login/workbench')
    const onSuccess = vi.fn()
    const store = createWorkbenchLoginStore({ bridge: fake.bridge, fetch: backend.fetch, onSuccess })
    const stop = store.getState().start({ corpId: 'dingcorp', clientId: 'k', timeoutMs: 8000 })
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().status).toBe('exchanging')
    await vi.advanceTimersByTimeAsync(8000)
    // The step that got no answer is named.
    expect(store.getState().error).toMatchObject({
      code: 'timeout',
      message: 'exchanging: no answer in 8000 ms',
    })
    // The backend answers after the deadline, before the request's own timeout (10 s).
    release()
    await vi.advanceTimersByTimeAsync(1000)
    expect(backend.signedIn).toBe(false)
    expect(store.getState().status).toBe('error')
    expect(onSuccess).not.toHaveBeenCalled()
    stop()
  })

  it('aborts a /login/workbench followed after a stop and start (a remount) at the deadline', async () => {
    vi.useFakeTimers()
    const fake = createFakeBridge()
    const backend = createFakeBackend()
    const release = backend.holdRoute('/login/workbench')
    const store = createWorkbenchLoginStore({ bridge: fake.bridge, fetch: backend.fetch })
    const options = { corpId: 'dingcorp', clientId: 'k', timeoutMs: 8000 }
    store.getState().start(options)()
    const stop = store.getState().start(options)
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().status).toBe('exchanging')
    stop()
    const stopAgain = store.getState().start(options)
    await vi.advanceTimersByTimeAsync(8000)
    expect(store.getState().error?.code).toBe('timeout')
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(backend.signedIn).toBe(false)
    expect(fake.calls).toHaveLength(1)
    stopAgain()
  })

  it('aborts a /login/qr still in flight at the deadline', async () => {
    vi.useFakeTimers()
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const release = backend.holdRoute('/login/qr')
    const store = createQrLoginStore({ fetch: backend.fetch, loadSdk: sdk.loadSdk })
    const container = document.body.appendChild(document.createElement('div'))
    const stop = store.getState().mount(container, { sdkTimeoutMs: 2000, requestTimeoutMs: 10_000 })
    await vi.advanceTimersByTimeAsync(0)
    sdk.emitScan('code-1')
    await vi.advanceTimersByTimeAsync(2000)
    expect(store.getState().error?.code).toBe('timeout')
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(backend.signedIn).toBe(false)
    stop()
    container.remove()
  })

  it('starts the workbench deadline before the config fetch, so a stalled /config falls back', async () => {
    vi.useFakeTimers()
    const fake = createFakeBridge()
    const store = createWorkbenchLoginStore({ bridge: fake.bridge, fetchConfig: () => new Promise(() => {}) })
    const stop = store.getState().start({ corpId: 'dingcorp', timeoutMs: 3000 })
    await vi.advanceTimersByTimeAsync(2999)
    expect(store.getState().status).toBe('requesting-code')
    await vi.advanceTimersByTimeAsync(1)
    expect(store.getState().error).toMatchObject({
      code: 'timeout',
      message: 'requesting-code: no answer in 3000 ms',
    })
    expect(fake.calls).toHaveLength(0)
    stop()
  })
})
