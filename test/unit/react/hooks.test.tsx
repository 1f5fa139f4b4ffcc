import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react'
import { useDingTalkEnv, useDingTalkQrLogin, useWorkbenchAutoLogin } from 'react-dingtalk-login'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeBridge, createFakeQrSdk } from '../../fakes/dingtalk'

afterEach(cleanup)

describe('useDingTalkEnv', () => {
  it('detects the plain browser without loading jsapi', () => {
    const { result } = renderHook(() => useDingTalkEnv())
    expect(result.current).toEqual({ platform: 'not-in-dingtalk', inDingTalk: false, version: undefined })
  })

  it('asks an injected bridge once', () => {
    const { bridge } = createFakeBridge({ env: { platform: 'android', version: '7.0.45' } })
    const { result, rerender } = renderHook(() => useDingTalkEnv({ bridge }))
    const first = result.current
    rerender()
    expect(result.current).toBe(first)
    expect(first).toEqual({ platform: 'android', inDingTalk: true, version: '7.0.45' })
  })
})

describe('headless hooks', () => {
  it('useDingTalkQrLogin drives a custom UI through containerRef', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    function CustomQr() {
      const { status, containerRef, result } = useDingTalkQrLogin({
        fetch: backend.fetch,
        loadSdk: sdk.loadSdk,
      })
      return (
        <section data-testid="custom" data-state={status}>
          <div ref={containerRef} />
          {result ? <span>Hello {result.user.name}</span> : null}
        </section>
      )
    }
    render(<CustomQr />)
    await waitFor(() =>
      expect(screen.getByTestId('custom')).toHaveAttribute('data-state', 'waiting-for-scan'),
    )
    expect(screen.getByTestId('custom').querySelector('iframe')).not.toBeNull()
    act(() => sdk.emitScan('c'))
    expect(await screen.findByText('Hello 张三')).toBeInTheDocument()
  })

  it('useDingTalkQrLogin starts once a container shown later attaches, and moves to a new container', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    function LaterQr({ which }: { which: 'none' | 'a' | 'b' }) {
      const { status, containerRef } = useDingTalkQrLogin({ fetch: backend.fetch, loadSdk: sdk.loadSdk })
      return (
        <section data-testid="later" data-state={status}>
          {which === 'a' ? <div data-testid="a" ref={containerRef} /> : null}
          {which === 'b' ? <div data-testid="b" ref={containerRef} /> : null}
        </section>
      )
    }
    const { rerender } = render(<LaterQr which="none" />)
    await act(async () => undefined)
    expect(screen.getByTestId('later')).toHaveAttribute('data-state', 'idle')
    expect(backend.requests).toHaveLength(0)

    rerender(<LaterQr which="a" />)
    await waitFor(() => expect(screen.getByTestId('later')).toHaveAttribute('data-state', 'waiting-for-scan'))
    expect(screen.getByTestId('a').querySelector('iframe')).not.toBeNull()

    rerender(<LaterQr which="b" />)
    await waitFor(() => expect(screen.getByTestId('b').querySelector('iframe')).not.toBeNull())
    expect(screen.getByTestId('later')).toHaveAttribute('data-state', 'waiting-for-scan')
    // One config per container: the new one got a QR code of its own.
    expect(backend.requests.filter((request) => request.path.startsWith('/config'))).toHaveLength(2)
  })

  it('useDingTalkQrLogin stops when its first container detaches: no refresh into a detached element', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const onError = vi.fn()
    function HiddenQr({ show }: { show: boolean }) {
      const { status, containerRef } = useDingTalkQrLogin({
        fetch: backend.fetch,
        loadSdk: sdk.loadSdk,
        refreshIntervalMs: 50,
        onError,
      })
      return (
        <section data-testid="hidden" data-state={status}>
          {show ? <div ref={containerRef} /> : null}
        </section>
      )
    }
    const { rerender } = render(<HiddenQr show />)
    await waitFor(() =>
      expect(screen.getByTestId('hidden')).toHaveAttribute('data-state', 'waiting-for-scan'),
    )
    rerender(<HiddenQr show={false} />)
    const configsWhenHidden = backend.requests.length
    // Several refresh intervals: a login still running would fetch a new config and mount into the old element.
    await act(() => new Promise((resolve) => setTimeout(resolve, 200)))
    expect(backend.requests).toHaveLength(configsWhenHidden)
    expect(onError).not.toHaveBeenCalled()
  })

  it('useWorkbenchAutoLogin reports env and result', async () => {
    const { bridge } = createFakeBridge({ env: { platform: 'pc', version: '7.6.0' } })
    const backend = createFakeBackend()
    const { result } = renderHook(() =>
      useWorkbenchAutoLogin({ bridge, fetch: backend.fetch, corpId: 'c', clientId: 'k' }),
    )
    await waitFor(() => expect(result.current.status).toBe('success'))
    expect(result.current.env).toMatchObject({ platform: 'pc' })
    expect(result.current.result?.userId).toBe('u_1')
    expect(backend.requests[0]!.body).toMatchObject({ platform: 'web' })
  })
})
