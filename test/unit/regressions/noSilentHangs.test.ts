import { createQrLoginStore } from 'react-dingtalk-login/core'
import type { DingTalkLoginError, QrLoginDeps } from 'react-dingtalk-login/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeQrSdk, deferred, fakeLoginResult } from '../../fakes/dingtalk'

// Issue 12: setups that waited forever without a word now end in an error that names the cause and the fix.
let container: HTMLDivElement
beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'))
})
afterEach(() => container.remove())

function setup(deps: Partial<QrLoginDeps> = {}, config = {}) {
  const sdk = createFakeQrSdk()
  const backend = createFakeBackend({ config })
  const onError = vi.fn<(error: DingTalkLoginError) => void>()
  const onSuccess = vi.fn()
  const store = createQrLoginStore({
    fetch: backend.fetch,
    loadSdk: sdk.loadSdk,
    onError,
    onSuccess,
    ...deps,
  })
  const stop = store.getState().mount(container)
  const until = (status: string) => vi.waitFor(() => expect(store.getState().status).toBe(status))
  return { sdk, backend, store, stop, onError, onSuccess, until }
}

describe('a page that is not on the origin of the backend redirectUri (a dev proxy)', () => {
  it('ends in origin-mismatch naming both origins and publicOrigin, before any QR code', async () => {
    const { sdk, store, stop, onError, until } = setup(
      {},
      { redirectUri: 'http://127.0.0.1:3000/api/auth/dingtalk/callback' },
    )
    await until('error')
    const error = store.getState().error!
    expect(error.code).toBe('origin-mismatch')
    expect(error.message).toContain(location.origin)
    expect(error.message).toContain('http://127.0.0.1:3000')
    expect(error.message).toContain('publicOrigin')
    expect(sdk.calls).toHaveLength(0)
    expect(onError).toHaveBeenCalledOnce()
    stop()
  })

  it('retries with a new config, which shows the QR code once the server is fixed', async () => {
    const { sdk, backend, store, stop, until } = setup({}, { redirectUri: 'http://127.0.0.1:3000/cb' })
    await until('error')
    backend.config = { ...backend.config, redirectUri: `${location.origin}/cb` }
    store.getState().retry()
    await until('waiting-for-scan')
    expect(sdk.calls).toHaveLength(1)
    stop()
  })
})

describe('a QR frame that posts from another origin than the configured loginOrigin', () => {
  it('ends in origin-mismatch at its first message instead of ignoring the scan', async () => {
    const { sdk, store, stop, onSuccess, until } = setup()
    await until('waiting-for-scan')
    sdk.emitFromFrame(
      { success: true, redirectUrl: `${location.origin}/cb?authCode=c1&state=x` },
      'http://127.0.0.1:4100',
    )
    await until('error')
    const error = store.getState().error!
    expect(error.code).toBe('origin-mismatch')
    expect(error.message).toContain('http://127.0.0.1:4100')
    expect(error.message).toContain('https://login.dingtalk.com')
    expect(onSuccess).not.toHaveBeenCalled()
    // The way out: the retry mounts a new frame.
    store.getState().retry()
    await until('waiting-for-scan')
    expect(sdk.calls).toHaveLength(2)
    stop()
  })

  it('still ignores messages of other windows from other origins', async () => {
    const { sdk, store, stop, until } = setup()
    await until('waiting-for-scan')
    sdk.emitRaw({ success: true, redirectUrl: 'https://evil.example/?authCode=x' }, 'https://evil.example')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.getState().status).toBe('waiting-for-scan')
    stop()
  })
})

describe('a vendor error that arrives while exchanging', () => {
  it('is reported through onError, and the exchange still decides the outcome', async () => {
    const exchange = deferred<ReturnType<typeof fakeLoginResult>>()
    const { sdk, store, stop, onError, onSuccess, until } = setup({ exchangeCode: () => exchange.promise })
    await until('waiting-for-scan')
    sdk.emitScan('code-1')
    expect(store.getState().status).toBe('exchanging')
    sdk.emitFailure('二维码已过期')
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'auth-code-failed', message: '二维码已过期' }),
    )
    expect(store.getState().status).toBe('exchanging')
    exchange.resolve(fakeLoginResult())
    await until('success')
    expect(onSuccess).toHaveBeenCalledOnce()
    stop()
  })
})

describe('the QR code sooner', () => {
  it('loads ddlogin.js while /config is in flight when scriptSrc is known, and preconnects to the login origin', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const release = backend.holdRoute('/config')
    const store = createQrLoginStore({ fetch: backend.fetch, loadSdk: sdk.loadSdk })
    const stop = store.getState().mount(container, { scriptSrc: 'https://cdn.example/ddlogin.js' })
    await vi.waitFor(() => expect(sdk.loads).toHaveLength(1))
    expect(store.getState().status).toBe('loading-config')
    expect(sdk.loads[0]).toMatchObject({ src: 'https://cdn.example/ddlogin.js' })
    release()
    await vi.waitFor(() => expect(store.getState().status).toBe('waiting-for-scan'))
    expect(sdk.loads).toHaveLength(1)
    expect(
      document.head.querySelector('link[rel="preconnect"][href="https://login.dingtalk.com"]'),
    ).not.toBeNull()
    stop()
  })

  it('without scriptSrc loads the config script after the config', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const release = backend.holdRoute('/config')
    const store = createQrLoginStore({ fetch: backend.fetch, loadSdk: sdk.loadSdk })
    const stop = store.getState().mount(container)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(sdk.loads).toHaveLength(0)
    release()
    await vi.waitFor(() => expect(sdk.loads).toHaveLength(1))
    expect(sdk.loads[0]).toMatchObject({ src: backend.config.scriptSrc })
    stop()
  })
})
