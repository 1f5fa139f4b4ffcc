import type * as CoreModule from 'react-dingtalk-login/core'
import type { DTFrameLogin } from 'react-dingtalk-login/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

type Core = typeof CoreModule
const SRC = 'https://login.example/ddlogin.js'
const fakeSdk: DTFrameLogin = () => undefined

async function freshCore(): Promise<Core> {
  // The loader memoises per module instance: a fresh import is a fresh page.
  vi.resetModules()
  return import('react-dingtalk-login/core')
}

const scripts = () => Array.from(document.querySelectorAll<HTMLScriptElement>('script'))

beforeEach(() => {
  document.head.innerHTML = ''
  delete (window as { DTFrameLogin?: unknown }).DTFrameLogin
})
afterEach(() => {
  vi.useRealTimers()
  delete (window as { DTFrameLogin?: unknown }).DTFrameLogin
})

describe('loadQrLoginSdk', () => {
  it('injects one (inserted, so async) tag with the nonce and resolves with DTFrameLogin once it loaded', async () => {
    const { loadQrLoginSdk } = await freshCore()
    const first = loadQrLoginSdk({ src: SRC, nonce: 'n0nce' })
    const second = loadQrLoginSdk({ src: 'https://other.example/x.js' })
    expect(second).toBe(first)
    expect(scripts()).toHaveLength(1)
    const [tag] = scripts()
    expect(tag!.getAttribute('src')).toBe(SRC)
    // Async without setting it (HTML's force-async flag for inserted scripts, which jsdom does not implement).
    expect(tag!.hasAttribute('async')).toBe(false)
    expect(tag!.getAttribute('nonce')).toBe('n0nce')
    ;(window as { DTFrameLogin?: unknown }).DTFrameLogin = fakeSdk
    tag!.dispatchEvent(new Event('load'))
    await expect(first).resolves.toBe(fakeSdk)
    await expect(loadQrLoginSdk({ src: SRC })).resolves.toBe(fakeSdk)
    expect(scripts()).toHaveLength(1)
  })

  it('uses the official CDN URL by default', async () => {
    const { loadQrLoginSdk, QR_LOGIN_SDK_URL } = await freshCore()
    void loadQrLoginSdk().catch(() => {})
    expect(QR_LOGIN_SDK_URL).toBe('https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js')
    expect(scripts()[0]!.getAttribute('src')).toBe(QR_LOGIN_SDK_URL)
  })

  it('reuses a DTFrameLogin the page already has without adding a tag', async () => {
    const { loadQrLoginSdk } = await freshCore()
    ;(window as { DTFrameLogin?: unknown }).DTFrameLogin = fakeSdk
    await expect(loadQrLoginSdk({ src: SRC })).resolves.toBe(fakeSdk)
    expect(scripts()).toHaveLength(0)
  })

  it('rejects with sdk-load-failed on a script error, removes its tag, and a retry injects a fresh one', async () => {
    const { loadQrLoginSdk } = await freshCore()
    const first = loadQrLoginSdk({ src: SRC })
    scripts()[0]!.dispatchEvent(new Event('error'))
    await expect(first).rejects.toMatchObject({ name: 'DingTalkLoginError', code: 'sdk-load-failed' })
    expect(scripts()).toHaveLength(0)

    const retry = loadQrLoginSdk({ src: SRC })
    expect(retry).not.toBe(first)
    expect(scripts()).toHaveLength(1)
    ;(window as { DTFrameLogin?: unknown }).DTFrameLogin = fakeSdk
    scripts()[0]!.dispatchEvent(new Event('load'))
    await expect(retry).resolves.toBe(fakeSdk)
  })

  it('tells a script that loaded without DTFrameLogin apart from a failed load', async () => {
    const { loadQrLoginSdk } = await freshCore()
    const promise = loadQrLoginSdk({ src: SRC })
    scripts()[0]!.dispatchEvent(new Event('load'))
    await expect(promise).rejects.toMatchObject({
      code: 'sdk-load-failed',
      message: expect.stringContaining('defined no DTFrameLogin'),
    })
  })

  it('times out with the timeout code and can be retried', async () => {
    vi.useFakeTimers()
    const { loadQrLoginSdk } = await freshCore()
    const promise = loadQrLoginSdk({ src: SRC, timeoutMs: 1000 })
    const settled = expect(promise).rejects.toMatchObject({ code: 'timeout' })
    vi.advanceTimersByTime(999)
    expect(scripts()).toHaveLength(1)
    vi.advanceTimersByTime(1)
    await settled
    expect(scripts()).toHaveLength(0)
    void loadQrLoginSdk({ src: SRC }).catch(() => {})
    expect(scripts()).toHaveLength(1)
  })
})
