import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { StrictMode } from 'react'
import { DingTalkLoginProvider, DingTalkQrLogin } from 'react-dingtalk-login'
import type { DingTalkLoginError, DingTalkLoginResult } from 'react-dingtalk-login'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeQrSdk, deferred, fakeLoginResult, pending } from '../../fakes/dingtalk'

const root = (container: HTMLElement) => container.querySelector<HTMLElement>('[data-dingtalk-login="qr"]')!
const stateOf = (container: HTMLElement) => root(container).getAttribute('data-state')

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('DingTalkQrLogin', () => {
  it('shows each state on data-state, announces it, and hands the result to onSuccess', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const exchange = deferred<DingTalkLoginResult>()
    const onSuccess = vi.fn()
    const { container } = render(
      <DingTalkQrLogin
        fetch={backend.fetch}
        loadSdk={sdk.loadSdk}
        exchangeCode={() => exchange.promise}
        width={320}
        height={330}
        onSuccess={onSuccess}
      />,
    )
    expect(['idle', 'loading-config']).toContain(stateOf(container))
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    expect(screen.getByRole('status')).toHaveTextContent('请用钉钉扫码登录')
    expect(screen.getByRole('status')).toHaveAttribute('aria-live', 'polite')
    const iframe = container.querySelector('iframe')!
    expect(iframe).toBeVisible()
    expect(sdk.calls[0]!.frameParams).toMatchObject({ width: 320, height: 330 })

    act(() => sdk.emitScan('code-1'))
    expect(stateOf(container)).toBe('exchanging')
    expect(screen.getByRole('status')).toHaveTextContent('正在登录…')
    await act(async () => exchange.resolve(fakeLoginResult()))
    expect(stateOf(container)).toBe('success')
    expect(screen.getByRole('status')).toHaveTextContent('登录成功')
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith(fakeLoginResult())
  })

  it('announces a refused scan as an alert and retries from the keyboard', async () => {
    const user = userEvent.setup()
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const onError = vi.fn<(error: DingTalkLoginError) => void>()
    const { container } = render(
      <DingTalkQrLogin fetch={backend.fetch} loadSdk={sdk.loadSdk} onError={onError} />,
    )
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    act(() => sdk.emitFailure('操作失败，你不在组织内'))
    expect(stateOf(container)).toBe('error')
    // DingTalk's own reason from the QR page: the generic "please retry" cannot help someone outside the corp.
    expect(screen.getByRole('alert')).toHaveTextContent('操作失败，你不在组织内')
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'auth-code-failed' }))

    await user.tab()
    const retry = screen.getByRole('button', { name: '重试' })
    expect(retry).toHaveFocus()
    await user.keyboard('{Enter}')
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    expect(screen.queryByRole('alert')).toBeNull()
    expect(sdk.calls).toHaveLength(2)
  })

  it('shows the backend message when there is one, in the provider locale otherwise', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    backend.failRoute('/login/qr', {
      status: 403,
      code: 'not_corp_member',
      message: 'You are not a member of this organisation',
    })
    const { container } = render(
      <DingTalkLoginProvider locale="en" fetch={backend.fetch}>
        <DingTalkQrLogin loadSdk={sdk.loadSdk} />
      </DingTalkLoginProvider>,
    )
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    expect(screen.getByRole('status')).toHaveTextContent('Scan with DingTalk to sign in')
    expect(backend.requests[0]!.init.headers).toMatchObject({ 'Accept-Language': 'en' })
    act(() => sdk.emitScan('c'))
    await waitFor(() => expect(stateOf(container)).toBe('error'))
    expect(screen.getByRole('alert')).toHaveTextContent('You are not a member of this organisation')
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument()
  })

  it('takes endpoint, nonce and scriptSrc from the provider and texts from the prop', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend({ endpoint: '/auth/dt' })
    const { container } = render(
      <DingTalkLoginProvider
        endpoint="/auth/dt"
        nonce="n1"
        scriptSrc="https://emu.test/ddlogin.js"
        fetch={backend.fetch}
      >
        <DingTalkQrLogin
          loadSdk={sdk.loadSdk}
          texts={{ qr: { 'waiting-for-scan': 'Scan me' }, refresh: 'Again' }}
        />
      </DingTalkLoginProvider>,
    )
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    expect(sdk.loads[0]).toMatchObject({ src: 'https://emu.test/ddlogin.js', nonce: 'n1' })
    expect(screen.getByRole('status')).toHaveTextContent('Scan me')
    await userEvent.click(screen.getByRole('button', { name: 'Again' }))
    await waitFor(() => expect(sdk.calls).toHaveLength(2))
    expect(backend.requests.filter((r) => r.path === '/config')).toHaveLength(2)
  })

  it('under StrictMode: one config, one vendor call, one exchange per code', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const onSuccess = vi.fn()
    const { container } = render(
      <StrictMode>
        <DingTalkQrLogin fetch={backend.fetch} loadSdk={sdk.loadSdk} onSuccess={onSuccess} />
      </StrictMode>,
    )
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    act(() => {
      sdk.emitScan('strict-code')
      sdk.emitScan('strict-code')
    })
    await waitFor(() => expect(stateOf(container)).toBe('success'))
    expect(backend.requests.map((r) => r.path)).toEqual(['/config', '/login/qr'])
    expect(sdk.calls).toHaveLength(1)
    // Each message reached exactly one listener (the frame still listens while exchanging, so that a vendor error
    // then is reported); the repeated code was exchanged once.
    expect(sdk.deliveries).toBe(2)
    expect(onSuccess).toHaveBeenCalledTimes(1)
  })

  it('calls the latest callbacks without restarting the flow', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const first = vi.fn()
    const second = vi.fn()
    const { container, rerender } = render(
      <DingTalkQrLogin fetch={backend.fetch} loadSdk={sdk.loadSdk} onSuccess={first} />,
    )
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    rerender(<DingTalkQrLogin fetch={backend.fetch} loadSdk={sdk.loadSdk} onSuccess={second} />)
    act(() => sdk.emitScan('c'))
    await waitFor(() => expect(stateOf(container)).toBe('success'))
    expect(sdk.calls).toHaveLength(1)
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledTimes(1)
  })

  it('switches the language without a new QR code, and the next config asks in it', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const { container, rerender } = render(<DingTalkQrLogin fetch={backend.fetch} loadSdk={sdk.loadSdk} />)
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    rerender(<DingTalkQrLogin fetch={backend.fetch} loadSdk={sdk.loadSdk} locale="en" />)
    expect(await screen.findByText('Scan with DingTalk to sign in')).toBeInTheDocument()
    await act(async () => undefined)
    // The QR code shown is still the one to scan: no new config, no new iframe.
    expect(sdk.calls).toHaveLength(1)
    expect(backend.requests).toHaveLength(1)
    await userEvent.click(screen.getByRole('button', { name: 'New QR code' }))
    await waitFor(() => expect(sdk.calls).toHaveLength(2))
    expect(backend.requests[1]!.init.headers).toMatchObject({ 'Accept-Language': 'en' })
  })

  it('restarts when the corp hint changes', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const { container, rerender } = render(
      <DingTalkQrLogin fetch={backend.fetch} loadSdk={sdk.loadSdk} corpId="dingA" />,
    )
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    rerender(<DingTalkQrLogin fetch={backend.fetch} loadSdk={sdk.loadSdk} corpId="dingB" />)
    await waitFor(() => expect(sdk.calls).toHaveLength(2))
    expect(backend.requests.map((r) => r.path)).toEqual(['/config?corpId=dingA', '/config?corpId=dingB'])
    expect(container.querySelectorAll('iframe')).toHaveLength(1)
  })

  it.each(['loading-config', 'loading-script', 'waiting-for-scan', 'exchanging'] as const)(
    'unmounted in %s: no update, no error, no listener left',
    async (step) => {
      const consoleError = vi.spyOn(console, 'error')
      const sdk = createFakeQrSdk()
      const backend = createFakeBackend()
      const config = deferred<void>()
      const exchange = deferred<DingTalkLoginResult>()
      const onSuccess = vi.fn()
      const onError = vi.fn()
      const { container, unmount } = render(
        <DingTalkQrLogin
          fetchConfig={
            step === 'loading-config' ? () => config.promise.then(() => backend.config) : undefined
          }
          fetch={backend.fetch}
          loadSdk={step === 'loading-script' ? pending() : sdk.loadSdk}
          exchangeCode={() => exchange.promise}
          onSuccess={onSuccess}
          onError={onError}
        />,
      )
      await waitFor(() => expect(stateOf(container)).toBe(step === 'exchanging' ? 'waiting-for-scan' : step))
      if (step === 'exchanging') act(() => sdk.emitScan('c'))
      const deliveries = sdk.deliveries
      unmount()
      config.resolve()
      exchange.resolve(fakeLoginResult())
      sdk.emitScan('late')
      sdk.emitFailure('late')
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(onSuccess).not.toHaveBeenCalled()
      expect(onError).not.toHaveBeenCalled()
      expect(sdk.deliveries).toBe(deliveries)
      expect(consoleError).not.toHaveBeenCalled()
    },
  )

  it('with scriptSrc known, starts ddlogin.js as it first renders, before any effect (like a tag in <head>)', () => {
    const src = 'https://emu.test/first-render/ddlogin.js'
    const tagsSeen: number[] = []
    // Renders right after the login, before React runs any effect or mounts anything.
    function RenderedNext() {
      tagsSeen.push(document.head.querySelectorAll(`script[src="${src}"]`).length)
      return null
    }
    const neverAnswers = () => new Promise<Response>(() => undefined)
    render(
      <>
        {/* A short timeout: jsdom never loads the script, and the loader is one per page. */}
        <DingTalkQrLogin scriptSrc={src} sdkTimeoutMs={50} fetch={neverAnswers} />
        <RenderedNext />
      </>,
    )
    expect(tagsSeen[0]).toBe(1)
  })

  it('with an injected loadSdk, adds no script tag of its own at render', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const src = 'https://emu.test/injected/ddlogin.js'
    const { container } = render(
      <DingTalkQrLogin scriptSrc={src} fetch={backend.fetch} loadSdk={sdk.loadSdk} />,
    )
    await waitFor(() => expect(stateOf(container)).toBe('waiting-for-scan'))
    expect(document.head.querySelector(`script[src="${src}"]`)).toBeNull()
    expect(sdk.loads[0]).toMatchObject({ src })
  })
})
