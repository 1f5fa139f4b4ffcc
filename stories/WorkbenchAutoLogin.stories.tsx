import type { Meta, StoryObj } from '@storybook/react-vite'
import { DingTalkQrLogin, WorkbenchAutoLogin, getDefaultTexts } from 'react-dingtalk-login'
import { expect, fn, userEvent, waitFor } from 'storybook/test'
import { fakesLoader, fakesOf, storyLoadSdk } from './support/storyFakes'

const en = getDefaultTexts('en')
const errorFor = (code: keyof typeof en.errors) => en.errors[code] ?? en.error
const CORP = 'dingcorp0000000000001'
const root = (canvasElement: HTMLElement) => canvasElement.querySelector('[data-dingtalk-login="workbench"]')!
const stateIs = (canvasElement: HTMLElement, state: string) =>
  waitFor(() => expect(root(canvasElement)).toHaveAttribute('data-state', state))

/**
 * The free login inside DingTalk (opened from the workbench). Every story runs the real component and store on
 * the shared fakes of `test/fakes/dingtalk.ts`: a fake DingTalk bridge (iOS DingTalk 7.6.0 unless the story says
 * otherwise) whose `requestAuthCode` resolves, rejects or hangs, and a fake backend for `/login/workbench`.
 *
 * `detecting` has no story: detection is synchronous (it never loads `dingtalk-jsapi`), so the component passes
 * through it within one render and shows `not-in-dingtalk` or `requesting-code` at once.
 */
const meta = {
  title: 'Login/WorkbenchAutoLogin',
  component: WorkbenchAutoLogin,
  args: { locale: 'en', corpId: CORP, clientId: 'dingfakeappkey000001', onSuccess: fn(), onError: fn() },
  loaders: [fakesLoader()],
  render: (args, context) => {
    const fakes = fakesOf(context)
    return <WorkbenchAutoLogin bridge={fakes.bridge.bridge} fetch={fakes.backend.fetch} {...args} />
  },
} satisfies Meta<typeof WorkbenchAutoLogin>
export default meta
type Story = StoryObj<typeof meta>

/** Outside DingTalk: the status asks to open the page in DingTalk; the bridge is never asked. */
export const NotInDingTalk: Story = {
  loaders: [fakesLoader({ inDingTalk: false })],
  play: async ({ canvasElement, canvas, args, ...context }) => {
    const { bridge } = fakesOf(context)
    await stateIs(canvasElement, 'not-in-dingtalk')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.workbench['not-in-dingtalk']!)
    await expect(bridge.calls).toHaveLength(0)
    await expect(args.onError).not.toHaveBeenCalled()
  },
}

/** Outside DingTalk with a `fallback`: the QR login takes the place of the status. */
export const NotInDingTalkWithQrFallback: Story = {
  loaders: [fakesLoader({ inDingTalk: false })],
  render: (args, context) => {
    const fakes = fakesOf(context)
    return (
      <WorkbenchAutoLogin
        bridge={fakes.bridge.bridge}
        fetch={fakes.backend.fetch}
        fallback={
          <DingTalkQrLogin
            locale="en"
            width={200}
            height={200}
            fetch={fakes.backend.fetch}
            loadSdk={storyLoadSdk(fakes.qr)}
          />
        }
        {...args}
      />
    )
  },
  play: async ({ canvasElement }) => {
    await stateIs(canvasElement, 'not-in-dingtalk')
    await waitFor(() =>
      expect(canvasElement.querySelector('[data-dingtalk-login="qr"]')).toHaveAttribute(
        'data-state',
        'waiting-for-scan',
      ),
    )
  },
}

/** Inside DingTalk, waiting for the client's free-login code. */
export const RequestingCode: Story = {
  args: { timeoutMs: 0 },
  loaders: [fakesLoader({ bridge: { kind: 'hang' } })],
  play: async ({ canvasElement, canvas, ...context }) => {
    const { bridge } = fakesOf(context)
    await stateIs(canvasElement, 'requesting-code')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.workbench['requesting-code']!)
    await waitFor(() => expect(bridge.calls).toEqual([{ corpId: CORP, clientId: 'dingfakeappkey000001' }]))
  },
}

/** The code came; `POST /login/workbench` has not answered yet. */
export const Exchanging: Story = {
  loaders: [fakesLoader({ setup: (f) => void f.backend.holdRoute('/login/workbench') })],
  play: async ({ canvasElement, canvas, ...context }) => {
    const { backend } = fakesOf(context)
    await stateIs(canvasElement, 'exchanging')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.workbench.exchanging!)
    await expect(backend.requests.at(-1)?.body).toEqual({
      corpId: CORP,
      authCode: 'bridge-code',
      platform: 'mobile',
    })
  },
}

/** Signed in without any click: `onSuccess` got the login result once. */
export const Success: Story = {
  play: async ({ canvasElement, canvas, args }) => {
    await stateIs(canvasElement, 'success')
    await expect(canvas.getByRole('status')).toHaveTextContent(en.workbench.success!)
    await waitFor(() => expect(args.onSuccess).toHaveBeenCalledTimes(1))
    await expect(args.onSuccess).toHaveBeenCalledWith(expect.objectContaining({ userId: 'u_1' }))
  },
}

/** The DingTalk client refused (e.g. the person is not in this organisation); "Try again" asks again. */
export const BridgeFailed: Story = {
  loaders: [
    fakesLoader({
      bridge: { kind: 'reject', error: { errorCode: '7', errorMessage: 'no permission' } },
    }),
  ],
  play: async ({ canvasElement, canvas, args, ...context }) => {
    const { bridge } = fakesOf(context)
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent(errorFor('auth-code-failed'))
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'auth-code-failed' }))
    bridge.setMode({ kind: 'resolve', code: 'second-code' })
    await userEvent.click(canvas.getByRole('button', { name: en.retry }))
    await stateIs(canvasElement, 'success')
    await expect(bridge.calls).toHaveLength(2)
  },
}

/** The client never answered (the PC client can hang): the timeout ends the wait. */
export const Timeout: Story = {
  args: { timeoutMs: 300 },
  loaders: [fakesLoader({ bridge: { kind: 'hang' } })],
  play: async ({ canvasElement, canvas, args }) => {
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent(errorFor('timeout'))
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'timeout' }))
  },
}

/** The backend refused the code: no login instance for this organisation (`unknown_corp`). */
export const ExchangeFailed: Story = {
  loaders: [
    fakesLoader({
      setup: (f) =>
        f.backend.failRoute('/login/workbench', {
          status: 404,
          code: 'unknown_corp',
          message: 'This organisation is not set up for sign-in',
        }),
    }),
  ],
  play: async ({ canvasElement, canvas, args }) => {
    await stateIs(canvasElement, 'error')
    await expect(canvas.getByRole('alert')).toHaveTextContent('This organisation is not set up for sign-in')
    await expect(args.onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'exchange-failed', serverCode: 'unknown_corp' }),
    )
  },
}

/** No corp anywhere (no prop, no `?corpId=` in the URL, none in the config): an `environment` error. */
export const NoCorpId: Story = {
  args: { corpId: undefined, search: '' },
  play: async ({ canvasElement, args, ...context }) => {
    const { bridge } = fakesOf(context)
    await stateIs(canvasElement, 'error')
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'environment' }))
    await expect(bridge.calls).toHaveLength(0)
  },
}
