import { describe, expect, it } from 'vitest'

describe('server rendering', () => {
  it('imports both entries in node without a browser global', async () => {
    expect(typeof window).toBe('undefined')
    const root = await import('react-dingtalk-login')
    const core = await import('react-dingtalk-login/core')
    expect(root.DingTalkLoginError).toBe(core.DingTalkLoginError)
    expect(typeof window).toBe('undefined')
    expect(typeof document).toBe('undefined')
  })
})
