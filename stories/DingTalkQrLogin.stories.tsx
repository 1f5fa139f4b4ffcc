import type { Meta, StoryObj } from '@storybook/react-vite'
import { DingTalkLoginError, DingTalkQrLogin, getDefaultTexts } from 'react-dingtalk-login'
import { expect, fn, userEvent, waitFor } from 'storybook/test'
import { pending } from '../test/fakes/dingtalk'
import { fakesLoader, fakesOf, storyLoadSdk } from './support/storyFakes'

// The component's own texts, so the stories assert what each state shows without copying the wording.
const en = getDefaultTexts('en')
const zh = getDefaultTexts('zh-CN')
const errorFor = (code: keyof typeof en.errors) => en.errors[code] ?? en.error
const root = (canvasElement: HTMLElement) => canvasElement.querySelector('[data-dingtalk-login="qr"]')!
const stateIs = (canvasElement: HTMLElement, state: string) =>
  waitFor(() => expect(root(canvasElement)).toHaveAttribute('data-state', state))

/**
 * DingTalk's embedded QR login. Every story runs the real component and store on the shared fakes of
 * `test/fakes/dingtalk.ts`: a fake `ddlogin.js` (the play functions "scan" with it) and a fake backend that
 * answers `/config` and `/login/qr` like `dingtalk-login-server`. Nothing touches the network.
 */
const meta = {
  title: 'Login/DingTalkQrLogin',
  component: DingTalkQrLogin,
  args: { locale: 'en', width: 220, height: 220, onSuccess: fn(), onError: fn() },
  loaders: [fakesLoader()],
  render: (args, context) => {
    const fakes = fakesOf(context)
    return <DingTalkQrLogin fetch={fakes.backend.fetch} loadSdk={storyLoadSdk(fakes.qr)} {...args} />
  },
} satisfies Meta<typeof DingTalkQrLogin>
export default meta
type Story = StoryObj<typeof meta>

/** `GET /config` has not answered yet. */
export const LoadingConfig: Story = {
  loaders: [fakesLoader({ setup: (f) => void f.backend.holdRoute('/config') })],
  play: async ({ canvasElement, canvas }) => {
    await stateIs(canvasElement, 'loading-config')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.qr['loading-config']!)
  },
}

/** The config came, `ddlogin.js` is still loading. */
export const LoadingScript: Story = {
  args: { loadSdk: pending() },
  play: async ({ canvasElement, canvas }) => {
    await stateIs(canvasElement, 'loading-script')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.qr['loading-script']!)
  },
}

/** The QR code is shown; `ddlogin.js` got the config's app key, state and redirect URL. */
export const WaitingForScan: Story = {
  play: async ({ canvasElement, canvas, ...context }) => {
    const { qr } = fakesOf(context)
    await stateIs(canvasElement, 'waiting-for-scan')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.qr['waiting-for-scan']!)
    await expect(canvas.getByTitle('DingTalk QR code')).toBeVisible()
    await expect(canvas.getByRole('button', { name: en.refresh })).toBeEnabled()
    await expect(qr.calls.at(-1)?.loginParams.client_id).toBe('dingfakeappkey000001')
  },
}

/** Scanned and confirmed; `POST /login/qr` has not answered yet. */
export const Exchanging: Story = {
  loaders: [fakesLoader({ setup: (f) => void f.backend.holdRoute('/login/qr') })],
  play: async ({ canvasElement, canvas, ...context }) => {
    const { qr, backend } = fakesOf(context)
    await stateIs(canvasElement, 'waiting-for-scan')
    qr.emitScan('scanned-code')
    await stateIs(canvasElement, 'exchanging')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.qr.exchanging!)
    await expect(backend.requests.at(-1)?.body).toMatchObject({ code: 'scanned-code', platform: 'web' })
  },
}

/** The backend answered the login result: `onSuccess` got it once. */
export const Success: Story = {
  play: async ({ canvasElement, canvas, args, ...context }) => {
    const { qr } = fakesOf(context)
    await stateIs(canvasElement, 'waiting-for-scan')
    qr.emitScan('scanned-code')
    await stateIs(canvasElement, 'success')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.qr.success!)
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1))
    await expect(args.onSuccess).toHaveBeenCalledWith(expect.objectContaining({ userId: 'u_1' }))
    await expect(args.onError).not.toHaveBeenCalled()
  },
}

/** `GET /config` failed: the backend's message (in the asked language) is shown, with a retry. */
export const ConfigFailed: Story = {
  loaders: [
    fakesLoader({
      setup: (f) =>
        f.backend.failRoute('/config', {
          status: 503,
          code: 'upstream_unavailable',
          message: 'DingTalk is unavailable, please try again later',
        }),
    }),
  ],
  play: async ({ canvasElement, canvas, args }) => {
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent(
      'DingTalk is unavailable, please try again later',
    )
    await expect(args.onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'exchange-failed', serverCode: 'upstream_unavailable' }),
    )
  },
}

/** `ddlogin.js` failed to load (offline, CSP, ad blocker); "Try again" loads it again and shows the QR code. */
export const SdkLoadFailed: Story = {
  args: {
    loadSdk: () => Promise.reject(new DingTalkLoginError('sdk-load-failed', 'Failed to load ddlogin.js')),
  },
  play: async ({ canvasElement, canvas, args }) => {
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent(errorFor('sdk-load-failed'))
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'sdk-load-failed' }))
    await expect(canvas.getByRole('button', { name: en.retry })).toBeEnabled()
  },
}

/** The script fails once, then loads: "Try again" recovers. */
export const RetryAfterSdkLoadFailed: Story = {
  loaders: [() => ({ ...fakesLoader()(), attempts: { count: 0 } })],
  render: (args, context) => {
    const fakes = fakesOf(context)
    const attempts = context.loaded.attempts as { count: number }
    const load = storyLoadSdk(fakes.qr)
    return (
      <DingTalkQrLogin
        {...args}
        fetch={fakes.backend.fetch}
        loadSdk={(options) => (++attempts.count === 1 ? Promise.reject(new Error('offline')) : load(options))}
      />
    )
  },
  play: async ({ canvasElement, canvas, loaded }) => {
    await stateIs(canvasElement, 'error')
    await userEvent.click(canvas.getByRole('button', { name: en.retry }))
    await stateIs(canvasElement, 'waiting-for-scan')
    await expect((loaded.attempts as { count: number }).count).toBe(2)
  },
}

/** The person pressed "refuse" on the phone: DingTalk's iframe reports a failure. */
export const ScanRefused: Story = {
  play: async ({ canvasElement, canvas, args, ...context }) => {
    const { qr } = fakesOf(context)
    await stateIs(canvasElement, 'waiting-for-scan')
    qr.emitFailure('用户取消了授权', 11021)
    await stateIs(canvasElement, 'error')
    // DingTalk's own reason, as the QR page gave it.
    await expect(canvas.getByRole('alert')).toHaveTextContent('用户取消了授权')
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'auth-code-failed' }))
  },
}

/** A code came back with a state this page never asked for: refused before it reaches the backend. */
export const StateMismatch: Story = {
  play: async ({ canvasElement, canvas, args, ...context }) => {
    const { qr, backend } = fakesOf(context)
    await stateIs(canvasElement, 'waiting-for-scan')
    qr.emitScan('foreign-code', { state: 'someone-elses-state' })
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent(errorFor('state-mismatch'))
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'state-mismatch' }))
    await expect(backend.requests.some((r) => r.path === '/login/qr')).toBe(false)
  },
}

/** The backend refused the code: a person outside the organisation (`not_corp_member`). */
export const ExchangeFailed: Story = {
  loaders: [
    fakesLoader({
      setup: (f) =>
        f.backend.failRoute('/login/qr', {
          status: 403,
          code: 'not_corp_member',
          message: 'You are not a member of this organisation',
          requestId: 'req-42',
        }),
    }),
  ],
  play: async ({ canvasElement, canvas, args, ...context }) => {
    const { qr } = fakesOf(context)
    await stateIs(canvasElement, 'waiting-for-scan')
    qr.emitScan('scanned-code')
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent('You are not a member of this organisation')
    await expect(args.onError).toHaveBeenCalledWith(
      expect.objectContaining({
        code: 'exchange-failed',
        serverCode: 'not_corp_member',
        requestId: 'req-42',
      }),
    )
  },
}

/** The built-in Chinese texts (the default locale). */
export const Chinese: Story = {
  args: { locale: 'zh-CN' },
  play: async ({ canvasElement, canvas }) => {
    await stateIs(canvasElement, 'waiting-for-scan')
    await expect(canvas.getByRole('status')).toHaveTextContent(zh.qr['waiting-for-scan']!)
    await expect(canvas.getByRole('button', { name: zh.refresh })).toBeEnabled()
  },
}

/**
 * A setup mistake that used to hang silently: the page is not on the origin of the backend's `redirectUri` (a dev
 * proxy). The error names both origins and the fix (`publicOrigin`) before any QR code is shown.
 */
export const OriginMismatch: Story = {
  loaders: [
    fakesLoader({
      setup: (f) => {
        f.backend.config = {
          ...f.backend.config,
          redirectUri: 'http://localhost:3000/api/auth/dingtalk/callback',
        }
      },
    }),
  ],
  play: async ({ canvasElement, canvas, args }) => {
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent('http://localhost:3000')
    await expect(canvas.getByRole('alert')).toHaveTextContent('publicOrigin')
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'origin-mismatch' }))
    await expect(canvas.getByRole('button', { name: en.retry })).toBeEnabled()
  },
}

/** The QR frame answers from another origin than the config's `loginOrigin`: an error, not a silent wait. */
export const ForeignLoginOrigin: Story = {
  play: async ({ canvasElement, canvas, args, ...context }) => {
    const { qr } = fakesOf(context)
    await stateIs(canvasElement, 'waiting-for-scan')
    qr.emitFromFrame({ type: 'status' }, 'https://login.example.org')
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent('https://login.example.org')
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'origin-mismatch' }))
  },
}
