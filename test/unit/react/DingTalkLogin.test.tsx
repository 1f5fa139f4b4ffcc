import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { DingTalkLogin } from 'react-dingtalk-login'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeBridge, createFakeQrSdk, fakeLoginResult } from '../../fakes/dingtalk'

const stateOf = (container: HTMLElement, flow: 'qr' | 'workbench') =>
  container.querySelector(`[data-dingtalk-login="${flow}"]`)?.getAttribute('data-state') ?? null

afterEach(cleanup)

describe('DingTalkLogin', () => {
  it('shows the QR login outside DingTalk and logs in through it', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const fake = createFakeBridge({ env: { platform: 'not-in-dingtalk' } })
    const onSuccess = vi.fn()
    const { container } = render(
      <DingTalkLogin
        fetch={backend.fetch}
        onSuccess={onSuccess}
        qr={{ loadSdk: sdk.loadSdk }}
        workbench={{ bridge: fake.bridge }}
      />,
    )
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('waiting-for-scan'))
    expect(stateOf(container, 'workbench')).toBe('not-in-dingtalk')
    act(() => sdk.emitScan('qr-code'))
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('success'))
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith(fakeLoginResult())
    expect(fake.calls).toHaveLength(0)
  })

  it('uses the workbench login inside DingTalk and never loads the QR', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const fake = createFakeBridge()
    const onSuccess = vi.fn()
    const { container } = render(
      <DingTalkLogin
        corpId="dingcorp"
        fetch={backend.fetch}
        onSuccess={onSuccess}
        qr={{ loadSdk: sdk.loadSdk }}
        workbench={{ bridge: fake.bridge, clientId: 'k' }}
      />,
    )
    await waitFor(() => expect(stateOf(container, 'workbench')).toBe('success'))
    expect(stateOf(container, 'qr')).toBeNull()
    expect(sdk.loads).toHaveLength(0)
    expect(fake.calls).toEqual([{ corpId: 'dingcorp', clientId: 'k' }])
    expect(onSuccess).toHaveBeenCalledTimes(1)
  })

  it('falls back to the QR login after a failed free login and reports the failure', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    backend.failRoute('/login/workbench', { status: 403, code: 'not_corp_member', message: '不是本组织成员' })
    const fake = createFakeBridge()
    const onError = vi.fn()
    const { container } = render(
      <DingTalkLogin
        corpId="c"
        fetch={backend.fetch}
        onError={onError}
        qr={{ loadSdk: sdk.loadSdk }}
        workbench={{ bridge: fake.bridge, clientId: 'k' }}
      />,
    )
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('waiting-for-scan'))
    expect(stateOf(container, 'workbench')).toBe('error')
    expect(screen.getByRole('alert')).toHaveTextContent(/^不是本组织成员$/)
    // The hint is a line of its own, not run on after the error text.
    expect(screen.getByText('钉钉免登失败，请扫码登录').tagName).toBe('P')
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'exchange-failed', serverCode: 'not_corp_member' }),
    )
  })

  it('keeps a login through the fallback QR: no retry of the free login beside it', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    backend.failRoute('/login/workbench', { status: 403, code: 'not_corp_member', message: '不是本组织成员' })
    const fake = createFakeBridge()
    const onSuccess = vi.fn()
    const { container } = render(
      <DingTalkLogin
        corpId="c"
        fetch={backend.fetch}
        onSuccess={onSuccess}
        qr={{ loadSdk: sdk.loadSdk }}
        workbench={{ bridge: fake.bridge, clientId: 'k' }}
      />,
    )
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('waiting-for-scan'))
    // The QR code is the way on now: a retry would replace it with the free login again.
    expect(screen.queryByRole('button', { name: '重试' })).toBeNull()
    act(() => sdk.emitScan('qr-code'))
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('success'))
    expect(screen.queryByRole('button', { name: '重试' })).toBeNull()
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith(fakeLoginResult())
    expect(backend.requests.map((request) => request.path)).toEqual([
      '/login/workbench',
      '/config?corpId=c',
      '/login/qr',
    ])
  })

  it('finishes a fallback QR login whose exchange is in flight when a setting changes', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    backend.failRoute('/login/workbench', { status: 403, code: 'not_corp_member', message: '不是本组织成员' })
    const release = backend.holdRoute('/login/qr')
    const fake = createFakeBridge()
    const onSuccess = vi.fn()
    const login = (corpId: string) => (
      <DingTalkLogin
        corpId={corpId}
        fetch={backend.fetch}
        onSuccess={onSuccess}
        qr={{ loadSdk: sdk.loadSdk }}
        workbench={{ bridge: fake.bridge, clientId: 'k' }}
      />
    )
    const { container, rerender } = render(login('c'))
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('waiting-for-scan'))
    act(() => sdk.emitScan('qr-code'))
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('exchanging'))
    rerender(login('other'))
    await act(async () => undefined)
    // The free login does not start over: that would unmount the QR login and lose its answer.
    expect(stateOf(container, 'workbench')).toBe('error')
    expect(fake.calls).toHaveLength(1)
    await act(async () => release())
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('success'))
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith(fakeLoginResult())
  })

  it('beside the fallback, which offers no retry, says to scan instead of "please try again"', async () => {
    const sdk = createFakeQrSdk()
    const fake = createFakeBridge({
      mode: { kind: 'reject', error: { errorCode: '7', errorMessage: 'denied' } },
    })
    const backend = createFakeBackend()
    const { container } = render(
      <DingTalkLogin
        corpId="c"
        fetch={backend.fetch}
        qr={{ loadSdk: sdk.loadSdk }}
        workbench={{ bridge: fake.bridge, clientId: 'k' }}
      />,
    )
    await waitFor(() => expect(stateOf(container, 'qr')).toBe('waiting-for-scan'))
    expect(screen.getByRole('alert')).toHaveTextContent(/^钉钉免登失败，请扫码登录$/)
    expect(screen.getAllByText('钉钉免登失败，请扫码登录')).toHaveLength(1)
    expect(screen.queryByText(/请重试/)).toBeNull()
    expect(screen.queryByRole('button', { name: '重试' })).toBeNull()
  })

  it("beside the fallback, the app's own text for the error's code still wins", async () => {
    const sdk = createFakeQrSdk()
    const fake = createFakeBridge({
      mode: { kind: 'reject', error: { errorCode: '7', errorMessage: 'denied' } },
    })
    const backend = createFakeBackend()
    render(
      <DingTalkLogin
        corpId="c"
        fetch={backend.fetch}
        texts={{ errors: { 'auth-code-failed': '请从工作台打开本应用' } }}
        qr={{ loadSdk: sdk.loadSdk }}
        workbench={{ bridge: fake.bridge, clientId: 'k' }}
      />,
    )
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/^请从工作台打开本应用$/))
    expect(screen.getByText('钉钉免登失败，请扫码登录').tagName).toBe('P')
  })

  it('stays on the error without the QR when fallbackToQr is false', async () => {
    const sdk = createFakeQrSdk()
    const fake = createFakeBridge({
      mode: { kind: 'reject', error: { errorCode: '7', errorMessage: 'denied' } },
    })
    const { container } = render(
      <DingTalkLogin
        corpId="c"
        fallbackToQr={false}
        qr={{ loadSdk: sdk.loadSdk }}
        workbench={{ bridge: fake.bridge, clientId: 'k' }}
      />,
    )
    await waitFor(() => expect(stateOf(container, 'workbench')).toBe('error'))
    expect(stateOf(container, 'qr')).toBeNull()
    expect(screen.getByRole('alert')).toHaveTextContent('登录失败，请重试')
    expect(screen.getByRole('button', { name: '重试' })).toBeInTheDocument()
  })
})
