import {
  createWorkbenchLoginStore,
  getCorpIdFromSearch,
  shouldShowWorkbenchFallback,
} from 'react-dingtalk-login/core'
import type {
  DingTalkLoginConfig,
  WorkbenchLoginDeps,
  WorkbenchLoginStatus,
  WorkbenchLoginStore,
} from 'react-dingtalk-login/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeBridge, deferred, fakeLoginResult, pending } from '../../fakes/dingtalk'

afterEach(() => {
  vi.useRealTimers()
})

function setup(
  deps: Partial<WorkbenchLoginDeps> = {},
  bridgeOptions: Parameters<typeof createFakeBridge>[0] = {},
) {
  const fake = createFakeBridge(bridgeOptions)
  const backend = createFakeBackend({ config: { corpId: 'dingconfigcorp' } })
  const onSuccess = vi.fn()
  const onError = vi.fn()
  const store = createWorkbenchLoginStore({
    bridge: fake.bridge,
    fetch: backend.fetch,
    onSuccess,
    onError,
    ...deps,
  })
  const seen: WorkbenchLoginStatus[] = []
  store.subscribe((state, previous) => {
    if (state.status !== previous.status) seen.push(state.status)
  })
  return { fake, backend, store, onSuccess, onError, seen }
}

const until = (store: WorkbenchLoginStore, status: WorkbenchLoginStatus) =>
  vi.waitFor(() => expect(store.getState().status).toBe(status))

describe('createWorkbenchLoginStore', () => {
  it('goes idle → detecting → requesting-code → exchanging → success inside DingTalk', async () => {
    const { fake, backend, store, onSuccess, seen } = setup()
    expect(store.getState().status).toBe('idle')
    store.getState().start({ corpId: 'dingcorp' })
    await until(store, 'success')
    expect(seen).toEqual(['detecting', 'requesting-code', 'exchanging', 'success'])
    expect(fake.calls).toEqual([{ corpId: 'dingcorp', clientId: backend.config.appKey }])
    const post = backend.requests.find((r) => r.path === '/login/workbench')!
    expect(post.body).toEqual({ corpId: 'dingcorp', authCode: 'bridge-code', platform: 'mobile' })
    expect(store.getState()).toMatchObject({ result: fakeLoginResult(), env: { platform: 'ios' } })
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith(fakeLoginResult())
  })

  it('sends platform web from the PC client and skips the config when clientId is given', async () => {
    const { fake, backend, store } = setup({}, { env: { platform: 'pc' } })
    store.getState().start({ corpId: 'dingcorp', clientId: 'dingclient' })
    await until(store, 'success')
    expect(fake.calls).toEqual([{ corpId: 'dingcorp', clientId: 'dingclient' }])
    expect(backend.requests.map((r) => r.path)).toEqual(['/login/workbench'])
    expect(backend.requests[0]!.body).toMatchObject({ platform: 'web' })
  })

  it('is not-in-dingtalk outside DingTalk, without asking the bridge or calling onError', async () => {
    const { fake, store, onError, seen } = setup({}, { env: { platform: 'not-in-dingtalk' } })
    store.getState().start({ corpId: 'dingcorp' })
    await until(store, 'not-in-dingtalk')
    expect(seen).toEqual(['detecting', 'not-in-dingtalk'])
    expect(fake.calls).toHaveLength(0)
    expect(onError).not.toHaveBeenCalled()
  })

  it('takes the corp from ?corpId= / ?corpid=, then from the config', async () => {
    const first = setup()
    first.store.getState().start({ search: '?corpid=dingfromquery' })
    await until(first.store, 'success')
    expect(first.fake.calls[0]!.corpId).toBe('dingfromquery')

    const second = setup()
    second.store.getState().start({ search: '?corpId=$CORPID$' })
    await until(second.store, 'success')
    expect(second.fake.calls[0]!.corpId).toBe('dingconfigcorp')
    expect(second.backend.requests[0]!.path).toBe('/config')
  })

  it('fails with environment when no corp is known', async () => {
    const { store, onError } = setup({
      fetchConfig: async () => ({ ...createFakeBackend().config, corpId: undefined }),
    })
    store.getState().start({ search: '' })
    await until(store, 'error')
    expect(store.getState().error?.code).toBe('environment')
    expect(onError).toHaveBeenCalledTimes(1)
  })

  it('times out a hanging bridge with its own timer', async () => {
    vi.useFakeTimers()
    const { store, onError } = setup({}, { mode: { kind: 'hang' } })
    store.getState().start({ corpId: 'dingcorp', clientId: 'c', timeoutMs: 3000 })
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getState().status).toBe('requesting-code')
    await vi.advanceTimersByTimeAsync(2999)
    expect(store.getState().status).toBe('requesting-code')
    await vi.advanceTimersByTimeAsync(1)
    expect(store.getState().error?.code).toBe('timeout')
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'timeout' }))
    expect(vi.getTimerCount()).toBe(0)
  })

  it('maps a bridge rejection to auth-code-failed with the client code, like the default bridge, and retries', async () => {
    const { fake, store } = setup(
      {},
      { mode: { kind: 'reject', error: { errorCode: '7', errorMessage: 'no permission' } } },
    )
    store.getState().start({ corpId: 'dingcorp', clientId: 'c' })
    await until(store, 'error')
    expect(store.getState().error).toMatchObject({ code: 'auth-code-failed', message: 'no permission (7)' })
    fake.setMode({ kind: 'resolve', code: 'second' })
    store.getState().retry()
    await until(store, 'success')
    expect(fake.calls).toHaveLength(2)
  })

  it('maps a backend refusal to exchange-failed with the server code', async () => {
    const { backend, store } = setup()
    backend.failRoute('/login/workbench', { status: 404, code: 'unknown_corp', message: 'Unknown corp' })
    store.getState().start({ corpId: 'dingcorp', clientId: 'c' })
    await until(store, 'error')
    expect(store.getState().error).toMatchObject({ code: 'exchange-failed', serverCode: 'unknown_corp' })
  })

  it('asks the bridge once for a synchronous start–stop–start (StrictMode)', async () => {
    const { fake, store } = setup()
    store.getState().start({ corpId: 'dingcorp', clientId: 'c' })()
    store.getState().start({ corpId: 'dingcorp', clientId: 'c' })
    await until(store, 'success')
    expect(fake.calls).toHaveLength(1)
  })

  it('changes nothing and leaves no timer after stop in requesting-code', async () => {
    vi.useFakeTimers()
    const { fake, store, onError, onSuccess } = setup({}, { mode: { kind: 'manual' } })
    const stop = store.getState().start({ corpId: 'dingcorp', clientId: 'c' })
    await until(store, 'requesting-code')
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1))
    const listener = vi.fn()
    store.subscribe(listener)
    stop()
    expect(vi.getTimerCount()).toBe(0)
    fake.requests[0]!.resolve('late')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(listener).not.toHaveBeenCalled()
    expect(onError).not.toHaveBeenCalled()
    expect(onSuccess).not.toHaveBeenCalled()
  })

  it('changes nothing after stop while loading the config or exchanging; a restart follows the exchange', async () => {
    const config = setup({ fetchConfig: pending<DingTalkLoginConfig>() })
    const stopConfig = config.store.getState().start({ corpId: 'dingcorp' })
    await until(config.store, 'requesting-code')
    stopConfig()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(config.store.getState().status).toBe('requesting-code')

    const exchange = deferred<ReturnType<typeof fakeLoginResult>>()
    const { store, onSuccess } = setup({ exchangeCode: () => exchange.promise })
    const stop = store.getState().start({ corpId: 'dingcorp', clientId: 'c' })
    await until(store, 'exchanging')
    stop()
    exchange.resolve(fakeLoginResult())
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.getState().status).toBe('exchanging')
    store.getState().start({ corpId: 'dingcorp', clientId: 'c' })
    await until(store, 'success')
    expect(onSuccess).toHaveBeenCalledTimes(1)
  })

  it('keeps an error when restarted with new options: only retry starts over, with the latest ones', async () => {
    const { fake, store } = setup(
      {},
      { mode: { kind: 'reject', error: { errorCode: '7', errorMessage: 'no' } } },
    )
    const stop = store.getState().start({ corpId: 'dingold', clientId: 'k' })
    await until(store, 'error')
    stop()
    // A new setting, e.g. the corp: a new run would replace the fallback shown beside the error.
    const stopAgain = store.getState().start({ corpId: 'dingnew', clientId: 'k' })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.getState().status).toBe('error')
    expect(fake.calls).toEqual([{ corpId: 'dingold', clientId: 'k' }])
    fake.setMode({ kind: 'resolve', code: 'bridge-code' })
    store.getState().retry()
    await until(store, 'success')
    expect(fake.calls[1]).toEqual({ corpId: 'dingnew', clientId: 'k' })
    stopAgain()
  })
})

describe('helpers', () => {
  it('getCorpIdFromSearch reads both spellings and ignores the placeholder', () => {
    expect(getCorpIdFromSearch('?corpId=a&corpid=b')).toBe('a')
    expect(getCorpIdFromSearch('corpid=b')).toBe('b')
    expect(getCorpIdFromSearch('?corpid=$CORPID$')).toBeUndefined()
    expect(getCorpIdFromSearch('')).toBeUndefined()
  })

  it('shouldShowWorkbenchFallback shows the fallback outside DingTalk, and after errors when asked', () => {
    expect(shouldShowWorkbenchFallback('not-in-dingtalk', false)).toBe(true)
    expect(shouldShowWorkbenchFallback('error', false)).toBe(false)
    expect(shouldShowWorkbenchFallback('error', true)).toBe(true)
    expect(shouldShowWorkbenchFallback('requesting-code', true)).toBe(false)
  })
})
