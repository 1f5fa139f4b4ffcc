import type * as CoreModule from 'react-dingtalk-login/core'
import type { DTFrameLogin } from 'react-dingtalk-login/core'
import { afterEach, describe, expect, it, vi } from 'vitest'

// Issue 12, "give back what the budget took": backend calls have their own timeout and signal again, and the loader
// waits for a ddlogin.js tag the host page is already loading.
async function freshCore(): Promise<typeof CoreModule> {
  vi.resetModules()
  return import('react-dingtalk-login/core')
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  document.head.innerHTML = ''
  delete (window as { DTFrameLogin?: unknown }).DTFrameLogin
})

describe('a backend call', () => {
  it('times out on its own with the timeout code and aborts the request', async () => {
    vi.useFakeTimers()
    const { createDingTalkLoginClient } = await freshCore()
    let signal: AbortSignal | undefined
    const fetch = vi.fn((_url: string, init: RequestInit) => {
      signal = init.signal ?? undefined
      return new Promise<Response>((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      )
    })
    const client = createDingTalkLoginClient({ fetch, timeoutMs: 2000 })
    const config = client.getConfig()
    const settled = expect(config).rejects.toMatchObject({ code: 'timeout' })
    await vi.advanceTimersByTimeAsync(2000)
    await settled
    expect(signal?.aborted).toBe(true)
  })

  it('is cancelled by the caller signal', async () => {
    const { createDingTalkLoginClient } = await freshCore()
    let signal: AbortSignal | undefined
    const fetch = (_url: string, init: RequestInit) => {
      signal = init.signal ?? undefined
      return new Promise<Response>(() => {})
    }
    const controller = new AbortController()
    void createDingTalkLoginClient({ fetch })
      .getConfig({ signal: controller.signal })
      .catch(() => undefined)
    controller.abort()
    expect(signal?.aborted).toBe(true)
  })

  it('reads a 401 of GET /session as no session and a 204 of POST /logout as done', async () => {
    const { createDingTalkLoginClient } = await freshCore()
    const answers = [
      Response.json({ error: { code: 'code_invalid', message: '未登录' } }, { status: 401 }),
      new Response(null, { status: 204 }),
    ]
    const client = createDingTalkLoginClient({ fetch: async () => answers.shift()! })
    await expect(client.getSession()).resolves.toBeNull()
    await expect(client.logout()).resolves.toBeUndefined()
  })
})

describe('a ddlogin.js tag the host page is already loading', () => {
  it('is waited for: no second tag, resolved when it loads', async () => {
    const { loadQrLoginSdk } = await freshCore()
    const hostTag = document.createElement('script')
    hostTag.src = 'https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js'
    document.head.appendChild(hostTag)
    const loading = loadQrLoginSdk({ src: 'https://login.example/ddlogin.js' })
    expect(document.querySelectorAll('script')).toHaveLength(1)
    const sdk: DTFrameLogin = () => undefined
    ;(window as { DTFrameLogin?: unknown }).DTFrameLogin = sdk
    hostTag.dispatchEvent(new Event('load'))
    await expect(loading).resolves.toBe(sdk)
  })

  it('is not waited for once its load ended: its events fired already, so a tag of ours reports instead', async () => {
    vi.useFakeTimers()
    const { loadQrLoginSdk } = await freshCore()
    const hostTag = document.createElement('script')
    hostTag.src = 'https://login.example/ddlogin.js'
    document.head.appendChild(hostTag)
    // Its load failed before ours began: the browser has its resource timing entry (failed loads have one too).
    vi.spyOn(performance, 'getEntriesByName').mockImplementation((name) =>
      name === hostTag.src ? [{ name } as PerformanceEntry] : [],
    )
    const loading = loadQrLoginSdk({ src: 'https://login.example/ddlogin.js', timeoutMs: 15_000 })
    const tags = Array.from(document.querySelectorAll('script'))
    expect(tags).toHaveLength(2)
    tags[1]!.dispatchEvent(new Event('error'))
    // At once, not `timeout` after 15 s.
    await expect(loading).rejects.toMatchObject({ code: 'sdk-load-failed' })
  })

  it('that fails is reported, and the retry injects a fresh tag', async () => {
    const { loadQrLoginSdk } = await freshCore()
    const hostTag = document.createElement('script')
    hostTag.src = 'https://login.example/ddlogin.js'
    document.head.appendChild(hostTag)
    const loading = loadQrLoginSdk({ src: 'https://login.example/ddlogin.js' })
    hostTag.dispatchEvent(new Event('error'))
    await expect(loading).rejects.toMatchObject({ code: 'sdk-load-failed' })
    void loadQrLoginSdk({ src: 'https://login.example/ddlogin.js' }).catch(() => undefined)
    const tags = Array.from(document.querySelectorAll('script'))
    expect(tags).toHaveLength(1)
    expect(tags[0]).not.toBe(hostTag)
  })
})
