import { createDingTalkLoginClient, DingTalkLoginError } from 'react-dingtalk-login/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, fakeLoginResult } from '../../fakes/dingtalk'

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('createDingTalkLoginClient', () => {
  it('GETs the config with the corp hint, cookies included, in the asked language', async () => {
    const backend = createFakeBackend()
    const client = createDingTalkLoginClient({ fetch: backend.fetch, locale: 'en' })
    const config = await client.getConfig({ corpId: 'ding&corp', instance: 'main' })
    expect(config).toEqual(backend.config)
    const [request] = backend.requests
    expect(request!.method).toBe('GET')
    expect(request!.path).toBe('/config?corpId=ding%26corp&instance=main')
    expect(request!.init.credentials).toBe('include')
    expect(request!.init.headers).toMatchObject({ Accept: 'application/json', 'Accept-Language': 'en' })
  })

  it('lets the first /config of a page finish before the next starts (its answer sets the browser cookie)', async () => {
    const started: string[] = []
    let answerFirst = () => {}
    const config = createFakeBackend().config
    const fetch = vi.fn(async (input: string) => {
      started.push(input)
      if (started.length === 1) await new Promise<void>((resolve) => (answerFirst = resolve))
      return Response.json(config)
    })
    const client = createDingTalkLoginClient({ fetch })
    const first = client.getConfig()
    const second = client.getConfig()
    await new Promise((resolve) => setTimeout(resolve, 20))
    // Two QR codes on one page: without the wait the second answer's cookie would void the first state.
    expect(started).toHaveLength(1)
    answerFirst()
    await expect(Promise.all([first, second])).resolves.toHaveLength(2)
    expect(started).toHaveLength(2)
  })

  it('POSTs JSON to /login/qr and /login/workbench and resolves the login result', async () => {
    const backend = createFakeBackend({ endpoint: 'https://api.example/auth/' })
    const client = createDingTalkLoginClient({ endpoint: 'https://api.example/auth/', fetch: backend.fetch })
    const { state } = await client.getConfig()
    await expect(client.loginWithQrCode({ code: 'q1', state, platform: 'web' })).resolves.toEqual(
      fakeLoginResult(),
    )
    await expect(
      client.loginWithWorkbenchCode({ corpId: 'dingcorp', authCode: 'w1', platform: 'mobile' }),
    ).resolves.toEqual(fakeLoginResult())
    const posts = backend.requests.filter((r) => r.method === 'POST')
    expect(posts.map((r) => [r.path, r.body])).toEqual([
      ['/login/qr', { code: 'q1', state, platform: 'web' }],
      ['/login/workbench', { corpId: 'dingcorp', authCode: 'w1', platform: 'mobile' }],
    ])
    expect(posts[0]!.init.headers).toMatchObject({ 'Content-Type': 'application/json' })
    expect(posts[0]!.init.credentials).toBe('include')
  })

  it('turns the error body into exchange-failed with serverCode and requestId', async () => {
    const backend = createFakeBackend()
    const client = createDingTalkLoginClient({ fetch: backend.fetch })
    await client.loginWithWorkbenchCode({ corpId: 'c', authCode: 'same', platform: 'mobile' })
    const error = await client
      .loginWithWorkbenchCode({ corpId: 'c', authCode: 'same', platform: 'mobile' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DingTalkLoginError)
    expect(error).toMatchObject({
      code: 'exchange-failed',
      serverCode: 'code_invalid',
      requestId: 'req-1',
      message: 'Code invalid',
    })
  })

  it('maps network failures, non-JSON errors and bad configs', async () => {
    const offline = createDingTalkLoginClient({
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    })
    await expect(offline.getConfig()).rejects.toMatchObject({
      code: 'exchange-failed',
      cause: expect.any(TypeError),
    })

    const html = createDingTalkLoginClient({
      fetch: async () => new Response('<h1>Bad gateway</h1>', { status: 502 }),
    })
    await expect(html.getConfig()).rejects.toMatchObject({
      code: 'exchange-failed',
      // Which call failed: a wrong endpoint answers 404 on every route, a proxy 200 with an HTML page.
      message: '/config: HTTP 502',
      serverCode: undefined,
    })

    const partial = createDingTalkLoginClient({ fetch: async () => Response.json({ appKey: 'x' }) })
    await expect(partial.getConfig()).rejects.toMatchObject({ code: 'exchange-failed' })

    const garbage = createDingTalkLoginClient({
      fetch: async () => new Response('not json', { status: 200 }),
    })
    await expect(garbage.loginWithQrCode({ code: 'c', state: 's', platform: 'web' })).rejects.toMatchObject({
      code: 'exchange-failed',
      message: '/login/qr: HTTP 200',
    })
  })

  it('looks fetch up at call time when none is injected', async () => {
    const client = createDingTalkLoginClient()
    const backend = createFakeBackend()
    vi.stubGlobal('fetch', backend.fetch)
    await client.getConfig()
    expect(backend.requests).toHaveLength(1)
  })

  it('rejects with a DingTalkLoginError when the page has no fetch at all', async () => {
    // Not even declared, so that reading `fetch` throws a ReferenceError (an old WebView).
    const globals = globalThis as { fetch?: typeof fetch }
    const savedFetch = globals.fetch
    delete globals.fetch
    const error: unknown = await createDingTalkLoginClient()
      .getSession()
      .catch((caught: unknown) => caught)
      .finally(() => {
        globals.fetch = savedFetch
      })
    expect(error).toBeInstanceOf(DingTalkLoginError)
    expect(error).toMatchObject({ code: 'exchange-failed' })
  })

  it('getLoginCode picks the route by loginType and checks its inputs', async () => {
    const backend = createFakeBackend()
    const client = createDingTalkLoginClient({ fetch: backend.fetch })
    const { state } = await client.getConfig()
    await client.getLoginCode({ code: 'a', loginType: 'qr', platform: 'web', state })
    await client.getLoginCode({ code: 'b', loginType: 'workbench', platform: 'mobile', corpId: 'dingc' })
    expect(backend.requests.slice(1).map((r) => r.path)).toEqual(['/login/qr', '/login/workbench'])
    await expect(
      client.getLoginCode({ code: 'c', loginType: 'workbench', platform: 'web' }),
    ).rejects.toMatchObject({
      code: 'environment',
    })
    await expect(client.getLoginCode({ code: 'c', loginType: 'qr', platform: 'web' })).rejects.toMatchObject({
      code: 'state-mismatch',
    })
  })

  it('passes an abort of the caller on to fetch', async () => {
    const backend = createFakeBackend()
    const release = backend.holdRoute('/config')
    const client = createDingTalkLoginClient({ fetch: backend.fetch })
    const controller = new AbortController()
    const promise = client.getConfig({ signal: controller.signal })
    controller.abort()
    release()
    await expect(promise).rejects.toMatchObject({ code: 'exchange-failed' })
  })
})
