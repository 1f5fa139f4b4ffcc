import { createQrLoginStore, DingTalkLoginError } from 'react-dingtalk-login/core'
import type { DingTalkLoginConfig, QrLoginDeps, QrLoginStatus, QrLoginStore } from 'react-dingtalk-login/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeQrSdk, deferred, fakeLoginResult, pending } from '../../fakes/dingtalk'

let container: HTMLDivElement
beforeEach(() => {
  container = document.createElement('div')
  document.body.appendChild(container)
})
afterEach(() => {
  container.remove()
  vi.useRealTimers()
})

function setup(deps: Partial<QrLoginDeps> = {}) {
  const sdk = createFakeQrSdk()
  const backend = createFakeBackend()
  const onSuccess = vi.fn()
  const onError = vi.fn<(error: DingTalkLoginError) => void>()
  const store = createQrLoginStore({
    fetch: backend.fetch,
    loadSdk: sdk.loadSdk,
    onSuccess,
    onError,
    ...deps,
  })
  const seen: QrLoginStatus[] = []
  store.subscribe((state, previous) => {
    if (state.status !== previous.status) seen.push(state.status)
  })
  return { sdk, backend, store, onSuccess, onError, seen }
}

const until = (store: QrLoginStore, status: QrLoginStatus) =>
  vi.waitFor(() => expect(store.getState().status).toBe(status))

describe('createQrLoginStore', () => {
  it('goes idle → loading-config → waiting-for-scan → exchanging → success, with the script known up front already in', async () => {
    const { sdk, backend, store, onSuccess, onError, seen } = setup()
    expect(store.getState().status).toBe('idle')
    store.getState().mount(container, {
      corpId: 'dingcorp',
      width: 280,
      scriptSrc: 'https://emu.test/ddlogin.js',
      nonce: 'n',
    })
    await until(store, 'waiting-for-scan')
    expect(sdk.loads).toEqual([{ src: 'https://emu.test/ddlogin.js', nonce: 'n', timeoutMs: undefined }])
    expect(backend.requests[0]!.path).toBe('/config?corpId=dingcorp')
    expect(sdk.calls[0]!.frameParams.width).toBe(280)
    expect(sdk.calls[0]!.loginParams.corpId).toBe('dingcorp')

    sdk.emitScan('the%code')
    await until(store, 'success')
    // The script, loaded while the config was in flight, is in with it: no `loading-script` render in between.
    expect(seen).toEqual(['loading-config', 'waiting-for-scan', 'exchanging', 'success'])
    const post = backend.requests.find((r) => r.path === '/login/qr')!
    expect(post.body).toEqual({ code: 'the%code', state: backend.config.state, platform: 'web' })
    expect(store.getState().result).toEqual(fakeLoginResult())
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith(fakeLoginResult())
    expect(onError).not.toHaveBeenCalled()
    expect(container.querySelector('iframe')).toBeNull()
  })

  it('uses the config scriptSrc when no override is given, loading it after the config', async () => {
    const { sdk, backend, store, seen } = setup()
    store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    expect(sdk.loads).toEqual([expect.objectContaining({ src: backend.config.scriptSrc })])
    expect(seen).toEqual(['loading-config', 'loading-script', 'waiting-for-scan'])
  })

  it('exchanges each code once, even when DingTalk repeats the message', async () => {
    const exchange = deferred<ReturnType<typeof fakeLoginResult>>()
    const exchangeCode = vi.fn(() => exchange.promise)
    const { sdk, store, onSuccess } = setup({ exchangeCode })
    store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    sdk.emitScan('c1')
    sdk.emitScan('c1')
    expect(store.getState().status).toBe('exchanging')
    exchange.resolve(fakeLoginResult())
    await until(store, 'success')
    expect(exchangeCode).toHaveBeenCalledTimes(1)
    expect(onSuccess).toHaveBeenCalledTimes(1)
  })

  it('maps a refused scan to auth-code-failed and ignores empty vendor errors', async () => {
    const { sdk, store, onError } = setup()
    store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    sdk.emitEmpty()
    expect(store.getState().status).toBe('waiting-for-scan')
    sdk.emitFailure('操作失败，你不在组织内')
    expect(store.getState()).toMatchObject({ status: 'error', error: { code: 'auth-code-failed' } })
    expect(onError).toHaveBeenCalledTimes(1)
    expect(container.querySelector('iframe')).toBeNull()
  })

  it('rejects a scan whose state does not match', async () => {
    const exchangeCode = vi.fn()
    const { sdk, store, onError } = setup({ exchangeCode })
    store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    sdk.emitScan('c1', { state: 'someone-elses' })
    expect(store.getState().error?.code).toBe('state-mismatch')
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'state-mismatch' }))
    expect(exchangeCode).not.toHaveBeenCalled()
  })

  it('maps the backend error answer to exchange-failed with the server code', async () => {
    const { sdk, backend, store, onError } = setup()
    backend.failRoute('/login/qr', {
      status: 403,
      code: 'not_corp_member',
      message: '不是本组织成员',
      requestId: 'r9',
    })
    store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    sdk.emitScan('c1')
    await until(store, 'error')
    expect(store.getState().error).toMatchObject({
      code: 'exchange-failed',
      serverCode: 'not_corp_member',
      requestId: 'r9',
    })
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(DingTalkLoginError)
  })

  it('maps a config failure to exchange-failed and retries with a new config', async () => {
    const { backend, store } = setup()
    backend.failRoute('/config', { status: 503, code: 'upstream_unavailable', message: 'down' })
    store.getState().mount(container)
    await until(store, 'error')
    expect(store.getState().error).toMatchObject({
      code: 'exchange-failed',
      serverCode: 'upstream_unavailable',
    })
    backend.failRoute('/config', undefined)
    store.getState().retry()
    await until(store, 'waiting-for-scan')
    expect(store.getState().error).toBeNull()
  })

  it('keeps an error when mounted again with new options: only retry starts over, with the latest ones', async () => {
    const { sdk, backend, store } = setup()
    backend.failRoute('/config', { status: 503, code: 'upstream_unavailable', message: 'down' })
    const stopFirst = store.getState().mount(container, { width: 280 })
    await until(store, 'error')
    stopFirst()
    backend.failRoute('/config', undefined)
    const stop = store.getState().mount(container, { width: 320 })
    await new Promise((resolve) => setTimeout(resolve, 0))
    // The error stays shown until the user retries.
    expect(store.getState().error?.serverCode).toBe('upstream_unavailable')
    expect(backend.requests).toHaveLength(1)
    store.getState().retry()
    await until(store, 'waiting-for-scan')
    expect(sdk.calls[0]!.frameParams.width).toBe(320)
    stop()
  })

  it('recovers from a script load failure on retry', async () => {
    const sdk = createFakeQrSdk()
    const loadSdk = vi
      .fn<NonNullable<QrLoginDeps['loadSdk']>>()
      .mockRejectedValueOnce(new Error('net::ERR_BLOCKED'))
      .mockImplementation(sdk.loadSdk)
    const { store, onError } = setup({ loadSdk })
    store.getState().mount(container)
    await until(store, 'error')
    expect(store.getState().error).toMatchObject({ code: 'sdk-load-failed', message: 'net::ERR_BLOCKED' })
    expect(onError).toHaveBeenCalledTimes(1)
    store.getState().retry()
    await until(store, 'waiting-for-scan')
    expect(loadSdk).toHaveBeenCalledTimes(2)
    expect(sdk.calls).toHaveLength(1)
  })

  it('with scriptSrc, an early load that fails before the config is in ends in sdk-load-failed once it is', async () => {
    const config = deferred<DingTalkLoginConfig>()
    const backend = createFakeBackend()
    const loadSdk = vi
      .fn<NonNullable<QrLoginDeps['loadSdk']>>()
      .mockRejectedValueOnce(new Error('net::ERR_BLOCKED'))
    const { store, onError, seen } = setup({ loadSdk, fetchConfig: () => config.promise })
    store.getState().mount(container, { scriptSrc: 'https://emu.test/ddlogin.js' })
    // The failed load waits, handled, for the config; nothing is reported before it.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(store.getState().status).toBe('loading-config')
    config.resolve(backend.config)
    await until(store, 'error')
    expect(store.getState().error).toMatchObject({ code: 'sdk-load-failed', message: 'net::ERR_BLOCKED' })
    expect(onError).toHaveBeenCalledTimes(1)
    expect(seen).toEqual(['loading-config', 'loading-script', 'error'])
  })

  it('refreshes the QR code with a fresh state, on demand and on a timer', async () => {
    vi.useFakeTimers()
    const { sdk, backend, store } = setup()
    store.getState().mount(container, { refreshIntervalMs: 60_000 })
    await until(store, 'waiting-for-scan')
    const firstState = backend.config.state
    store.getState().refresh()
    await until(store, 'waiting-for-scan')
    await vi.waitFor(() => expect(sdk.calls).toHaveLength(2))
    expect(backend.config.state).not.toBe(firstState)
    expect(decodeURIComponent(sdk.calls[1]!.loginParams.state!)).toBe(backend.config.state)
    expect(container.querySelectorAll('iframe')).toHaveLength(1)

    await vi.advanceTimersByTimeAsync(60_000)
    await vi.waitFor(() => expect(sdk.calls).toHaveLength(3))
    // A scan of an old QR code carries an old state.
    sdk.emitScan('old', { state: firstState })
    expect(store.getState().error?.code).toBe('state-mismatch')
  })

  it('ignores refresh and retry while exchanging and after success', async () => {
    const exchange = deferred<ReturnType<typeof fakeLoginResult>>()
    const { sdk, backend, store } = setup({ exchangeCode: () => exchange.promise })
    store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    sdk.emitScan('c1')
    store.getState().refresh()
    store.getState().retry()
    exchange.resolve(fakeLoginResult())
    await until(store, 'success')
    store.getState().refresh()
    await Promise.resolve()
    expect(store.getState().status).toBe('success')
    expect(backend.requests.filter((r) => r.path.startsWith('/config'))).toHaveLength(1)
  })

  it('does the work once for a synchronous mount–unmount–mount (StrictMode)', async () => {
    const { sdk, backend, store } = setup()
    store.getState().mount(container)()
    store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    expect(backend.requests).toHaveLength(1)
    expect(sdk.calls).toHaveLength(1)
  })

  it.each([
    ['loading-config', { fetchConfig: pending<DingTalkLoginConfig>() }],
    ['loading-script', { loadSdk: pending() }],
  ] as const)('changes nothing after unmount in %s', async (status, deps) => {
    const { store, onError, onSuccess } = setup(deps)
    const unmount = store.getState().mount(container)
    await until(store, status)
    const listener = vi.fn()
    store.subscribe(listener)
    unmount()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(listener).not.toHaveBeenCalled()
    expect(onError).not.toHaveBeenCalled()
    expect(onSuccess).not.toHaveBeenCalled()
  })

  it('after unmount while waiting: no listener, no timer, no update', async () => {
    vi.useFakeTimers()
    const { sdk, store, backend } = setup()
    const unmount = store.getState().mount(container, { refreshIntervalMs: 1000 })
    await until(store, 'waiting-for-scan')
    const listener = vi.fn()
    store.subscribe(listener)
    unmount()
    expect(vi.getTimerCount()).toBe(0)
    sdk.emitScan('late')
    sdk.emitFailure('late')
    await vi.advanceTimersByTimeAsync(5000)
    expect(listener).not.toHaveBeenCalled()
    expect(backend.requests).toHaveLength(1)
    expect(sdk.deliveries).toBe(0)
  })

  it('after unmount while exchanging: the late result changes nothing; a remount follows it', async () => {
    const exchange = deferred<ReturnType<typeof fakeLoginResult>>()
    const { sdk, store, onSuccess } = setup({ exchangeCode: () => exchange.promise })
    const unmount = store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    sdk.emitScan('c1')
    unmount()
    exchange.resolve(fakeLoginResult())
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.getState().status).toBe('exchanging')
    expect(onSuccess).not.toHaveBeenCalled()
    store.getState().mount(container)
    await until(store, 'success')
    expect(onSuccess).toHaveBeenCalledTimes(1)
  })

  it('reads its deps at call time when given a function', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const first = vi.fn()
    const second = vi.fn()
    let onSuccess = first
    const store = createQrLoginStore(() => ({ fetch: backend.fetch, loadSdk: sdk.loadSdk, onSuccess }))
    store.getState().mount(container)
    await until(store, 'waiting-for-scan')
    onSuccess = second
    sdk.emitScan('c1')
    await until(store, 'success')
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledTimes(1)
  })
})
