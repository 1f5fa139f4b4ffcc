// Unit tests of the client's own logic over an injected fetch: the cases the emulator cannot produce
// (a missing or zero expireIn, capitalised error fields, a lock held by another process). Everything else is
// tested against the emulator.
import {
  DDInnerClient,
  DingTalkClient,
  DingTalkApiError,
  createMemoryStateStore,
  toTokenCache,
  worstCaseCallMs,
  UnexpectedResponseError,
  createAppTokenManager,
  createMemoryTokenCache,
} from 'dingtalk-login-server'
import type { TokenCache } from 'dingtalk-login-server'
import { afterEach, describe, expect, it, vi } from 'vitest'

type Handler = (
  url: URL,
  init: RequestInit,
) => { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>

function routedFetch(routes: Record<string, Handler>): typeof fetch & { log: string[] } {
  const log: string[] = []
  const fn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input))
    const key = `${init.method ?? 'GET'} ${url.pathname}`
    log.push(key)
    const handler = routes[key]
    if (!handler) return new Response('not found', { status: 404 })
    const { status = 200, body } = await handler(url, init)
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    })
  }) as typeof fetch & { log: string[] }
  fn.log = log
  return fn
}

const credentials = { appKey: 'dingabcdefgh12345678', appSecret: 's'.repeat(64), corpId: 'dingcorp' }
const ok = (result: Record<string, unknown>) => ({
  body: { errcode: 0, errmsg: 'ok', result, request_id: 'r1' },
})

describe('app token manager', () => {
  it('a missing or zero expireIn caches for the default lifetime instead of refetching every call', async () => {
    for (const expireIn of [undefined, 0, -5, 'soon']) {
      let now = 0
      const fetchMock = routedFetch({
        'POST /v1.0/oauth2/accessToken': () => ({
          body: { accessToken: 'tok', ...(expireIn === undefined ? {} : { expireIn }) },
        }),
        'POST /topapi/v2/user/get': () => ok({ userid: 'u1' }),
      })
      const client = new DDInnerClient(credentials, { fetch: fetchMock, now: () => now })
      for (let i = 0; i < 5; i++) {
        await client.getUser('u1')
        now += 60_000
      }
      expect(fetchMock.log.filter((k) => k.includes('accessToken'))).toHaveLength(1)
    }
  })

  it('a short expireIn is refreshed early, by a quarter of its lifetime at most', async () => {
    let now = 0
    let fetched = 0
    const manager = createAppTokenManager({
      key: 'k',
      now: () => now,
      fetchToken: async () => ({ accessToken: `t${++fetched}`, expiresInSeconds: 60 }),
    })
    expect(await manager.get()).toBe('t1')
    now = 44_000
    expect(await manager.get()).toBe('t1')
    now = 45_000
    expect(await manager.get()).toBe('t2')
  })

  it('one fetch in flight for any number of callers, cleared after a failure', async () => {
    let calls = 0
    let fail = true
    const manager = createAppTokenManager({
      key: 'k',
      fetchToken: async () => {
        calls++
        await new Promise((r) => setTimeout(r, 10))
        if (fail) throw new Error('network down')
        return { accessToken: 'tok', expiresInSeconds: 7200 }
      },
    })
    const failed = await Promise.allSettled(Array.from({ length: 100 }, () => manager.get()))
    expect(failed.every((r) => r.status === 'rejected')).toBe(true)
    expect(calls).toBe(1)
    fail = false
    const tokens = await Promise.all(Array.from({ length: 100 }, () => manager.get()))
    expect(new Set(tokens)).toEqual(new Set(['tok']))
    expect(calls).toBe(2)
  })

  it('invalidate drops only the token that failed', async () => {
    const cache = createMemoryTokenCache()
    let n = 0
    const manager = createAppTokenManager({
      key: 'k',
      cache,
      fetchToken: async () => ({ accessToken: `t${++n}`, expiresInSeconds: 7200 }),
    })
    expect(await manager.get()).toBe('t1')
    await manager.invalidate('t0')
    expect(await manager.get()).toBe('t1')
    await manager.invalidate('t1')
    expect(await manager.get()).toBe('t2')
  })

  it('waits for another process holding the lock and uses the token it stores', async () => {
    const entries = new Map<string, { token: string; expiresAt: number }>()
    const cache: TokenCache = {
      get: (key) => entries.get(key) ?? null,
      set: (key, value) => void entries.set(key, value),
      delete: (key) => void entries.delete(key),
      lock: () => null, // someone else holds it
    }
    const fetchToken = vi.fn(async () => ({ accessToken: 'mine', expiresInSeconds: 7200 }))
    const manager = createAppTokenManager({ key: 'k', cache, fetchToken })
    setTimeout(() => entries.set('k', { token: 'theirs', expiresAt: Date.now() + 3_600_000 }), 60)
    expect(await manager.get()).toBe('theirs')
    expect(fetchToken).not.toHaveBeenCalled()
  })
})

describe('DDInnerClient', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('refetches the app token once on 88/40014 and 42001, not in a loop', async () => {
    for (const invalid of [
      { errcode: 88, sub_code: '40014', sub_msg: '不合法的access_token', errmsg: 'ding talk error' },
      { errcode: 42001, errmsg: 'access_token expired' },
    ]) {
      let tokens = 0
      const fetchMock = routedFetch({
        'POST /v1.0/oauth2/accessToken': () => ({ body: { accessToken: `t${++tokens}`, expireIn: 7200 } }),
        'POST /topapi/v2/user/get': () => ({ body: { ...invalid, request_id: 'rq' } }),
      })
      const client = new DDInnerClient(credentials, { fetch: fetchMock })
      const error = await client.getUser('u1').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DingTalkApiError)
      // Retried calls are only for throttling/busy: two attempts, two tokens.
      expect(fetchMock.log).toEqual([
        'POST /v1.0/oauth2/accessToken',
        'POST /topapi/v2/user/get',
        'POST /v1.0/oauth2/accessToken',
        'POST /topapi/v2/user/get',
      ])
    }
  })

  it('sends the app token as access_token in the query, and the user token in the v1.0 header', async () => {
    const seen: string[] = []
    const fetchMock = routedFetch({
      'POST /v1.0/oauth2/accessToken': (_url, init) => {
        expect(JSON.parse(String(init.body))).toEqual({
          appKey: credentials.appKey,
          appSecret: credentials.appSecret,
        })
        return { body: { accessToken: 'apptok', expireIn: 7200 } }
      },
      'POST /topapi/user/getbyunionid': (url, init) => {
        seen.push(url.searchParams.get('access_token')!)
        expect(JSON.parse(String(init.body))).toEqual({ unionid: 'un1' })
        return ok({ contact_type: 0, userid: '0123' })
      },
      'GET /v1.0/contact/users/me': (_url, init) => {
        seen.push(new Headers(init.headers).get('x-acs-dingtalk-access-token')!)
        return { body: { unionId: 'un1', nick: 'n' } }
      },
    })
    const client = new DDInnerClient(credentials, { fetch: fetchMock })
    expect(await client.getUserIdByUnionId('un1')).toEqual({ userid: '0123', contactType: 0 })
    expect((await client.getCurrentUser('usertok')).unionId).toBe('un1')
    expect(seen).toEqual(['apptok', 'usertok'])
  })

  it('parses v1.0 errors, capitalised fields included, and requiredScopes', async () => {
    const fetchMock = routedFetch({
      'POST /v1.0/oauth2/userAccessToken': () => ({
        status: 403,
        body: {
          Code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
          Message: '没有权限',
          RequestId: 'ABC',
          AccessDeniedDetail: { requiredScopes: ['Contact.User.Read'] },
        },
      }),
    })
    const error = (await new DDInnerClient(credentials, { fetch: fetchMock })
      .getUserAccessToken('c')
      .catch((e: unknown) => e)) as DingTalkApiError
    expect(error).toMatchObject({
      status: 403,
      code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
      requestId: 'ABC',
      requiredScopes: ['Contact.User.Read'],
    })
  })

  it('keeps userids as strings and parses tolerant types', async () => {
    const fetchMock = routedFetch({
      'POST /v1.0/oauth2/accessToken': () => ({ body: { accessToken: 't', expireIn: 7200 } }),
      'POST /topapi/v2/user/get': () =>
        ok({
          userid: '0138123',
          active: 'true',
          admin: false,
          hired_date: '1600000000000',
          dept_id_list: ['1', 2, 'x'],
          org_email: 'a@b',
        }),
    })
    const user = await new DDInnerClient(credentials, { fetch: fetchMock }).getUser('0138123')
    expect(user).toMatchObject({
      userid: '0138123',
      active: true,
      admin: false,
      hiredDate: 1_600_000_000_000,
      deptIdList: [1, 2],
      orgEmail: 'a@b',
    })
  })

  it('a 200 answer without the expected fields is an UnexpectedResponseError', async () => {
    const fetchMock = routedFetch({
      'POST /v1.0/oauth2/userAccessToken': () => ({ body: { refreshToken: 'x' } }),
    })
    await expect(
      new DDInnerClient(credentials, { fetch: fetchMock }).getUserAccessToken('c'),
    ).rejects.toBeInstanceOf(UnexpectedResponseError)
  })

  it('uses the global fetch at call time when none is injected (late-bound)', async () => {
    const client = new DDInnerClient(credentials)
    const fetchMock = routedFetch({
      'POST /v1.0/oauth2/accessToken': () => ({ body: { accessToken: 'late', expireIn: 7200 } }),
    })
    vi.stubGlobal('fetch', fetchMock)
    expect((await client.getAppAccessToken()).accessToken).toBe('late')
    expect(fetchMock.log).toEqual(['POST /v1.0/oauth2/accessToken'])
  })

  it('builds the login page URL for the redirect flow', () => {
    const client = new DDInnerClient(credentials, { loginBase: 'http://127.0.0.1:4100/' })
    const url = client.createAuthorizationUrl({
      redirectUri: 'https://app.example/cb',
      state: 's&t',
      scope: 'openid corpid',
      corpId: 'dingc',
    })
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:4100/oauth2/auth')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      redirect_uri: 'https://app.example/cb',
      response_type: 'code',
      client_id: credentials.appKey,
      scope: 'openid corpid',
      prompt: 'consent',
      state: 's&t',
      corpId: 'dingc',
    })
  })
})

describe('secret hygiene', () => {
  it('neither JSON.stringify nor util.inspect of a client shows the app secret', async () => {
    const { inspect } = await import('node:util')
    const secret = 'Secret-Of-The-App-1234567890-abcdefghijklmnopqrstuvwxyz-ZYXWVUT'
    const client = new DDInnerClient({ ...credentials, appSecret: secret })
    expect(JSON.stringify(client)).not.toContain(secret)
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(secret)
    expect(inspect(client)).not.toContain(secret)
    expect(Object.values(client).map(String).join()).not.toContain(secret)
  })
})

describe('the app-token lock across processes', () => {
  it('lives through a worst-case token fetch: the timeout and every retry, with the longest backoffs', () => {
    expect(worstCaseCallMs({ timeoutMs: 5_000, retries: 2, baseDelayMs: 100, maxDelayMs: 2_000 })).toBe(
      15_300,
    )
    expect(worstCaseCallMs({ timeoutMs: 1_000, retries: 4, baseDelayMs: 500, maxDelayMs: 1_500 })).toBe(
      5 * 1_000 + 500 + 1_000 + 1_500 + 1_500,
    )
    expect(worstCaseCallMs({ timeoutMs: 300, retries: 0, baseDelayMs: 100, maxDelayMs: 2_000 })).toBe(300)
  })

  it('is taken for at least the worst-case fetch of the client that fetches', async () => {
    const ttls: number[] = []
    const shared = toTokenCache(createMemoryStateStore())
    const recording: TokenCache = {
      get: (key) => shared.get(key),
      set: (key, value) => shared.set(key, value),
      delete: (key, token) => shared.delete(key, token),
      lock: (key, ttlMs) => {
        ttls.push(ttlMs)
        return shared.lock!(key, ttlMs)
      },
    }
    const fetchMock = routedFetch({
      'POST /v1.0/oauth2/accessToken': () => ({ body: { accessToken: 'tok', expireIn: 7200 } }),
      'POST /topapi/v2/user/get': () => ok({ userid: 'u1' }),
    })
    const retry = { retries: 3, baseDelayMs: 200, maxDelayMs: 1_000 }
    const client = new DingTalkClient(credentials, {
      fetch: fetchMock,
      tokenCache: recording,
      timeoutMs: 4_000,
      retry,
    })
    await client.getUser('u1')
    expect(ttls).toHaveLength(1)
    expect(ttls[0]).toBeGreaterThanOrEqual(4 * 4_000 + 200 + 400 + 800)
  })

  it('keeps a second process waiting while the first retries a slow DingTalk past 5 s: one token fetch', async () => {
    // Two clients of one app sharing a token cache with a lock, as two processes sharing Redis. DingTalk times out
    // the first two token requests of process A (2.5 s each), then answers; process B asks meanwhile.
    const shared = toTokenCache(createMemoryStateStore())
    let tokenRequests = 0
    const slowThenOk: Handler = (_url, init) => {
      tokenRequests += 1
      if (tokenRequests <= 2) {
        return new Promise((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }),
        )
      }
      return { body: { accessToken: 'tok-a', expireIn: 7200 } }
    }
    const answered: Handler = () => {
      tokenRequests += 1
      return { body: { accessToken: 'tok-b', expireIn: 7200 } }
    }
    const options = {
      timeoutMs: 2_500,
      retry: { retries: 2, baseDelayMs: 50, maxDelayMs: 100 },
      tokenCache: shared,
    }
    const processA = new DingTalkClient(credentials, {
      ...options,
      fetch: routedFetch({ 'POST /v1.0/oauth2/accessToken': slowThenOk }),
    })
    const processB = new DingTalkClient(credentials, {
      ...options,
      fetch: routedFetch({ 'POST /v1.0/oauth2/accessToken': answered }),
    })
    const first = processA.getCachedAppAccessToken()
    await new Promise((resolve) => setTimeout(resolve, 100))
    const second = processB.getCachedAppAccessToken()
    expect(await first).toBe('tok-a')
    expect(await second).toBe('tok-a')
    expect(tokenRequests).toBe(3)
  }, 20_000)
})
