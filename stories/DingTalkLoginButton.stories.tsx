import type { Meta, StoryObj } from '@storybook/react-vite'
import { DingTalkLoginButton } from 'react-dingtalk-login'
import { expect, fn, userEvent } from 'storybook/test'

/**
 * The full-page redirect login as a button: a click sends the browser to `GET {endpoint}/authorize?returnTo=…`.
 * In these stories `onClick` prevents the navigation, so the canvas stays.
 */
const meta = {
  title: 'Login/DingTalkLoginButton',
  component: DingTalkLoginButton,
  args: {
    returnTo: '/dashboard',
    onClick: fn((event: { preventDefault(): void }) => event.preventDefault()),
  },
} satisfies Meta<typeof DingTalkLoginButton>
export default meta
type Story = StoryObj<typeof meta>

/** zh-CN (the default): "钉钉登录" with DingTalk's mark. */
export const Chinese: Story = {
  play: async ({ canvas, args }) => {
    const button = canvas.getByRole('button', { name: '钉钉登录' })
    await userEvent.click(button)
    await expect(args.onClick).toHaveBeenCalledOnce()
  },
}

/** en: "Sign in with DingTalk". */
export const English: Story = {
  args: { locale: 'en' },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('button', { name: 'Sign in with DingTalk' })).toBeEnabled()
  },
}

/** Disabled, e.g. while the app is busy. */
export const Disabled: Story = {
  args: { disabled: true },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('button', { name: '钉钉登录' })).toBeDisabled()
  },
}
