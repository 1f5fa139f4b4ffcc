import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { StrictMode } from 'react'
import {
  DingTalkLoginButton,
  DingTalkLoginProvider,
  DingTalkQrLogin,
  getAuthorizeUrl,
  useDingTalkSession,
} from 'react-dingtalk-login'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeQrSdk } from '../../fakes/dingtalk'

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

/** One consumer: shows the status and the user, and signs out. */
function Who({ label }: { label: string }) {
  const { status, user, logout } = useDingTalkSession()
  return (
    <section aria-label={label} data-status={status}>
      {user ? user.name : '—'}
      {status === 'authenticated' && (
        <button type="button" onClick={() => void logout()}>
          sign out {label}
        </button>
      )}
    </section>
  )
}

const statusOf = (label: string) => screen.getByRole('region', { name: label }).getAttribute('data-status')

describe('useDingTalkSession', () => {
  it('is loading, then unauthenticated on a 401; one GET /session under StrictMode for two consumers', async () => {
    const backend = createFakeBackend()
    render(
      <StrictMode>
        <DingTalkLoginProvider fetch={backend.fetch}>
          <Who label="header" />
          <Who label="menu" />
        </DingTalkLoginProvider>
      </StrictMode>,
    )
    expect(statusOf('header')).toBe('loading')
    await waitFor(() => expect(statusOf('header')).toBe('unauthenticated'))
    expect(statusOf('menu')).toBe('unauthenticated')
    expect(backend.requests.map((r) => r.path)).toEqual(['/session'])
  })

  it('a login in any component of the provider refreshes every consumer; logout signs all of them out', async () => {
    const backend = createFakeBackend()
    const sdk = createFakeQrSdk()
    render(
      <DingTalkLoginProvider fetch={backend.fetch}>
        <Who label="header" />
        <DingTalkQrLogin loadSdk={sdk.loadSdk} />
        <Who label="menu" />
      </DingTalkLoginProvider>,
    )
    await waitFor(() => expect(statusOf('menu')).toBe('unauthenticated'))
    await waitFor(() => expect(sdk.calls).toHaveLength(1))
    act(() => sdk.emitScan('code-1'))
    await waitFor(() => expect(statusOf('header')).toBe('authenticated'))
    expect(statusOf('menu')).toBe('authenticated')
    expect(screen.getByRole('region', { name: 'menu' }).textContent).toContain('张三')

    await userEvent.click(screen.getByRole('button', { name: 'sign out header' }))
    await waitFor(() => expect(statusOf('menu')).toBe('unauthenticated'))
    expect(statusOf('header')).toBe('unauthenticated')
    expect(backend.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /session',
      'GET /config',
      'POST /login/qr',
      'GET /session',
      'POST /logout',
    ])
  })

  it('keeps the status and reports the error when GET /session fails otherwise', async () => {
    const backend = createFakeBackend()
    backend.failRoute('/session', { status: 503, code: 'upstream_unavailable', message: '稍后再试' })
    function Status() {
      const { status, error } = useDingTalkSession()
      return <p data-status={status}>{error ? error.serverCode : ''}</p>
    }
    const { container } = render(
      <DingTalkLoginProvider fetch={backend.fetch}>
        <Status />
      </DingTalkLoginProvider>,
    )
    await waitFor(() => expect(container.textContent).toBe('upstream_unavailable'))
    expect(container.querySelector('p')!.getAttribute('data-status')).toBe('unauthenticated')
  })

  it('without a provider, says which one it needs', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    expect(() => render(<Who label="x" />)).toThrow(/DingTalkLoginProvider/)
  })
})

describe('DingTalkLoginButton', () => {
  it('is a button named in the locale, with a decorative mark', () => {
    render(
      <>
        <DingTalkLoginButton />
        <DingTalkLoginButton locale="en" />
      </>,
    )
    const zh = screen.getByRole('button', { name: '钉钉登录' })
    expect(zh.querySelector('svg')!.getAttribute('aria-hidden')).toBe('true')
    expect(screen.getByRole('button', { name: 'Sign in with DingTalk' })).toBeTruthy()
  })

  it('sends the browser to GET {endpoint}/authorize?returnTo=… (the provider endpoint by default)', async () => {
    const onClick = vi.fn((event: { preventDefault(): void }) => event.preventDefault())
    render(
      <DingTalkLoginProvider endpoint="/auth/dingtalk/" locale="en">
        <DingTalkLoginButton returnTo="/after?x=1" onClick={onClick} />
      </DingTalkLoginProvider>,
    )
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with DingTalk' }))
    expect(onClick).toHaveBeenCalledOnce()
    expect(getAuthorizeUrl({ endpoint: '/auth/dingtalk/', returnTo: '/after?x=1', corpId: 'dingc' })).toBe(
      '/auth/dingtalk/authorize?returnTo=%2Fafter%3Fx%3D1&corpId=dingc',
    )
  })
})
