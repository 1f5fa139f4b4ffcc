import type { Meta, StoryObj } from '@storybook/react-vite'
import { DingTalkLoginProvider, DingTalkQrLogin, useDingTalkSession } from 'react-dingtalk-login'
import { expect, userEvent, waitFor } from 'storybook/test'
import { fakesLoader, fakesOf, storyLoadSdk } from './support/storyFakes'

/** A header that shows who is signed in, from `useDingTalkSession()`. */
function SessionHeader() {
  const { status, user, logout } = useDingTalkSession()
  return (
    <header data-status={status} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
      <span role="status">{status === 'authenticated' && user ? `Signed in as ${user.name}` : status}</span>
      {status === 'authenticated' && (
        <button type="button" onClick={() => void logout()}>
          Sign out
        </button>
      )}
    </header>
  )
}

/**
 * `useDingTalkSession()`: the signed-in user from `GET /session`, shared by every consumer of one provider,
 * refreshed after a login in any of its login components and signed out everywhere by `logout()`. The backend is
 * the shared fake (`test/fakes/dingtalk.ts`).
 */
const meta = {
  title: 'Hooks/useDingTalkSession',
  component: SessionHeader,
  loaders: [fakesLoader()],
  render: (_args, context) => {
    const fakes = fakesOf(context)
    return (
      <DingTalkLoginProvider fetch={fakes.backend.fetch} locale="en">
        <SessionHeader />
        <DingTalkQrLogin loadSdk={storyLoadSdk(fakes.qr)} width={200} height={200} />
      </DingTalkLoginProvider>
    )
  },
} satisfies Meta<typeof SessionHeader>
export default meta
type Story = StoryObj<typeof meta>

/** No session yet: `GET /session` answered 401. */
export const Unauthenticated: Story = {
  play: async ({ canvas }) => {
    await waitFor(() => expect(canvas.getAllByRole('status')[0]).toHaveTextContent('unauthenticated'))
  },
}

/** A scan logs in; the header follows without a reload; signing out updates it again. */
export const LoginThenLogout: Story = {
  play: async ({ canvas, canvasElement, ...context }) => {
    const { qr } = fakesOf(context)
    await waitFor(() => expect(qr.calls).toHaveLength(1))
    qr.emitScan('story-code')
    await waitFor(() => expect(canvas.getAllByRole('status')[0]).toHaveTextContent('Signed in as 张三'))
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out' }))
    await waitFor(() =>
      expect(canvasElement.querySelector('header')).toHaveAttribute('data-status', 'unauthenticated'),
    )
  },
}
