import type { Meta, StoryObj } from '@storybook/react-vite'
import { DingTalkLogin, DingTalkLoginProvider, getDefaultTexts } from 'react-dingtalk-login'
import { expect, fn, waitFor } from 'storybook/test'
import { fakesLoader, fakesOf, storyLoadSdk } from './support/storyFakes'

const en = getDefaultTexts('en')
const CORP = 'dingcorp0000000000001'
const flow = (canvasElement: HTMLElement, which: 'workbench' | 'qr') =>
  canvasElement.querySelector(`[data-dingtalk-login="${which}"]`)
const stateIs = (canvasElement: HTMLElement, which: 'workbench' | 'qr', state: string) =>
  waitFor(() => expect(flow(canvasElement, which)).toHaveAttribute('data-state', state))

/**
 * Picks the flow: the free login inside DingTalk, the QR login everywhere else, and the QR login after a failed
 * free login. The stories wrap it in `DingTalkLoginProvider` (endpoint, locale, `fetch`), as an app would; the
 * provider itself renders nothing but its children, so it has no stories of its own. Fakes as in the other files.
 */
const meta = {
  title: 'Login/DingTalkLogin',
  component: DingTalkLogin,
  args: { corpId: CORP, onSuccess: fn(), onError: fn() },
  loaders: [fakesLoader()],
  render: (args, context) => {
    const fakes = fakesOf(context)
    return (
      <DingTalkLoginProvider endpoint="/api/auth/dingtalk" locale="en" fetch={fakes.backend.fetch}>
        <DingTalkLogin
          qr={{ loadSdk: storyLoadSdk(fakes.qr), width: 200, height: 200 }}
          workbench={{ bridge: fakes.bridge.bridge, clientId: 'dingfakeappkey000001' }}
          {...args}
        />
      </DingTalkLoginProvider>
    )
  },
} satisfies Meta<typeof DingTalkLogin>
export default meta
type Story = StoryObj<typeof meta>

/** In an ordinary browser: the QR login; a scan signs in. */
export const OutsideDingTalk: Story = {
  loaders: [fakesLoader({ inDingTalk: false })],
  play: async ({ canvasElement, args, ...context }) => {
    const { qr, bridge } = fakesOf(context)
    await stateIs(canvasElement, 'workbench', 'not-in-dingtalk')
    await stateIs(canvasElement, 'qr', 'waiting-for-scan')
    await expect(bridge.calls).toHaveLength(0)
    qr.emitScan('scanned-code')
    await stateIs(canvasElement, 'qr', 'success')
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1))
  },
}

/** Inside DingTalk: the free login signs in, no QR code is shown. */
export const InsideDingTalk: Story = {
  play: async ({ canvasElement, canvas, args }) => {
    await stateIs(canvasElement, 'workbench', 'success')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.workbench.success!)
    await expect(flow(canvasElement, 'qr')).toBeNull()
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1))
  },
}

/** Inside DingTalk, the free login fails: the error is announced and the QR login takes over. */
export const FreeLoginFailsFallsBackToQr: Story = {
  loaders: [
    fakesLoader({ bridge: { kind: 'reject', error: { errorCode: '7', errorMessage: 'no permission' } } }),
  ],
  play: async ({ canvasElement, canvas, args }) => {
    await stateIs(canvasElement, 'workbench', 'error')
    await stateIs(canvasElement, 'qr', 'waiting-for-scan')
    await expect(canvas.getByRole('alert')).toBeInTheDocument()
    // The error has no message of its own: the hint to scan instead is the alert, not "please try again".
    await expect(canvas.getByText(en.fallbackAfterError)).toBeVisible()
    // No retry of the free login beside the QR code: it would replace the QR login.
    await expect(canvas.queryByRole('button', { name: en.retry })).toBeNull()
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'auth-code-failed' }))
  },
}

/** `fallbackToQr={false}`: a failed free login stays an error with a retry, no QR code. */
export const NoQrFallback: Story = {
  args: { fallbackToQr: false },
  loaders: [
    fakesLoader({ bridge: { kind: 'reject', error: { errorCode: '7', errorMessage: 'no permission' } } }),
  ],
  play: async ({ canvasElement, canvas }) => {
    await stateIs(canvasElement, 'workbench', 'error')
    await expect(flow(canvasElement, 'qr')).toBeNull()
    await expect(canvas.getByRole('button', { name: en.retry })).toBeEnabled()
  },
}

/**
 * The real thing: the demo page of `npm start` (real components, the real server adapter on SQLite, the DingTalk
 * emulator), embedded. Needs `npm start` running on its default port 3000; not run by `npm test` (`!test`).
 */
export const LiveAgainstTheEmulator: Story = {
  tags: ['!test'],
  parameters: { layout: 'fullscreen' },
  render: () => (
    <div style={{ padding: 12, fontFamily: 'sans-serif' }}>
      <p>
        Start the demo first: <code>npm start</code> (emulator + server adapter + this page on{' '}
        <a href="http://127.0.0.1:3000/">http://127.0.0.1:3000/</a>). Scan with the emulator’s phone page
        linked from the page.
      </p>
      <iframe
        title="npm start demo"
        src="http://127.0.0.1:3000/"
        style={{ width: '100%', height: 760, border: '1px solid #ddd' }}
      />
    </div>
  ),
}
