import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { StrictMode } from 'react'
import { WorkbenchAutoLogin } from 'react-dingtalk-login'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeBridge, fakeLoginResult } from '../../fakes/dingtalk'

const stateOf = (container: HTMLElement) =>
  container.querySelector('[data-dingtalk-login="workbench"]')!.getAttribute('data-state')

afterEach(() => {
  cleanup()
  vi.useRealTimers()
  window.history.replaceState(null, '', '/')
})

describe('WorkbenchAutoLogin', () => {
  it('logs in inside DingTalk with the corp from the ?corpid= query', async () => {
    window.history.replaceState(null, '', '/app?corpid=dingfromquery')
    const fake = createFakeBridge()
    const backend = createFakeBackend()
    const onSuccess = vi.fn()
    const { container } = render(
      <WorkbenchAutoLogin bridge={fake.bridge} fetch={backend.fetch} onSuccess={onSuccess} />,
    )
    await waitFor(() => expect(stateOf(container)).toBe('success'))
    expect(fake.calls).toEqual([{ corpId: 'dingfromquery', clientId: backend.config.appKey }])
    expect(screen.getByRole('status')).toHaveTextContent('登录成功')
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith(fakeLoginResult())
  })

  it('shows the requesting-code state while the client answers', async () => {
    const fake = createFakeBridge({ mode: { kind: 'manual' } })
    const backend = createFakeBackend()
    const { container } = render(
      <WorkbenchAutoLogin bridge={fake.bridge} fetch={backend.fetch} corpId="c" clientId="k" />,
    )
    await waitFor(() => expect(stateOf(container)).toBe('requesting-code'))
    expect(screen.getByRole('status')).toHaveTextContent('正在通过钉钉免登…')
    await waitFor(() => expect(fake.requests).toHaveLength(1))
    await act(async () => fake.requests[0]!.resolve('code'))
    await waitFor(() => expect(stateOf(container)).toBe('success'))
  })

  it('switches the language without asking DingTalk for a second code', async () => {
    const fake = createFakeBridge({ mode: { kind: 'manual' } })
    const backend = createFakeBackend()
    const login = (locale: 'zh-CN' | 'en') => (
      <WorkbenchAutoLogin
        bridge={fake.bridge}
        fetch={backend.fetch}
        corpId="c"
        clientId="k"
        locale={locale}
      />
    )
    const { container, rerender } = render(login('zh-CN'))
    await waitFor(() => expect(fake.requests).toHaveLength(1))
    rerender(login('en'))
    expect(screen.getByRole('status')).toHaveTextContent('Signing in through DingTalk…')
    await act(async () => undefined)
    expect(fake.calls).toHaveLength(1)
    await act(async () => fake.requests[0]!.resolve('code'))
    await waitFor(() => expect(stateOf(container)).toBe('success'))
  })

  it('renders the fallback outside DingTalk', async () => {
    const fake = createFakeBridge({ env: { platform: 'not-in-dingtalk' } })
    const { container } = render(
      <WorkbenchAutoLogin bridge={fake.bridge} corpId="c" fallback={<p>QR here</p>} />,
    )
    await waitFor(() => expect(stateOf(container)).toBe('not-in-dingtalk'))
    expect(screen.getByText('QR here')).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent('')
    expect(fake.calls).toHaveLength(0)
  })

  it('says so outside DingTalk without a fallback', async () => {
    const fake = createFakeBridge({ env: { platform: 'not-in-dingtalk' } })
    render(<WorkbenchAutoLogin bridge={fake.bridge} locale="en" />)
    expect(
      await screen.findByText('Open this page in DingTalk, or sign in with the QR code'),
    ).toBeInTheDocument()
  })

  it('times out a hanging bridge, announces it, and retries from the keyboard', async () => {
    const user = userEvent.setup()
    const fake = createFakeBridge({ mode: { kind: 'hang' } })
    const backend = createFakeBackend()
    const onError = vi.fn()
    const { container } = render(
      <WorkbenchAutoLogin
        bridge={fake.bridge}
        fetch={backend.fetch}
        corpId="c"
        clientId="k"
        timeoutMs={50}
        onError={onError}
      />,
    )
    await waitFor(() => expect(stateOf(container)).toBe('error'))
    expect(screen.getByRole('alert')).toHaveTextContent('钉钉响应超时，请重试')
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'timeout' }))
    fake.setMode({ kind: 'resolve', code: 'second-try' })
    await user.tab()
    expect(screen.getByRole('button', { name: '重试' })).toHaveFocus()
    await user.keyboard(' ')
    await waitFor(() => expect(stateOf(container)).toBe('success'))
    expect(backend.requests[0]!.body).toMatchObject({ authCode: 'second-try' })
  })

  it('under StrictMode asks the bridge once and exchanges once', async () => {
    const fake = createFakeBridge()
    const backend = createFakeBackend()
    const { container } = render(
      <StrictMode>
        <WorkbenchAutoLogin bridge={fake.bridge} fetch={backend.fetch} corpId="c" clientId="k" />
      </StrictMode>,
    )
    await waitFor(() => expect(stateOf(container)).toBe('success'))
    expect(fake.calls).toHaveLength(1)
    expect(backend.requests.map((r) => r.path)).toEqual(['/login/workbench'])
  })

  it('unmounted while requesting the code: no update, no callback, no timer', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const consoleError = vi.spyOn(console, 'error')
    const fake = createFakeBridge({ mode: { kind: 'manual' } })
    const onSuccess = vi.fn()
    const onError = vi.fn()
    const { container, unmount } = render(
      <WorkbenchAutoLogin
        bridge={fake.bridge}
        corpId="c"
        clientId="k"
        onSuccess={onSuccess}
        onError={onError}
      />,
    )
    await waitFor(() => expect(fake.requests).toHaveLength(1))
    expect(stateOf(container)).toBe('requesting-code')
    unmount()
    expect(vi.getTimerCount()).toBe(0)
    fake.requests[0]!.resolve('late')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(onSuccess).not.toHaveBeenCalled()
    expect(onError).not.toHaveBeenCalled()
    expect(consoleError).not.toHaveBeenCalled()
  })
})
