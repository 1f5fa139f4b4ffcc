import { createDingTalkLoginClient, mountQrFrame } from 'react-dingtalk-login/core'
import type { DingTalkLoginError } from 'react-dingtalk-login/core'
import { describe, expect, it, vi } from 'vitest'
import { createFakeQrSdk, fakeConfig } from '../../fakes/dingtalk'

// Review finding 7: a percent-encoded `error` from the redirect URL, and non-string fields of an error body.
describe('error texts', () => {
  it('decodes the error of a redirect URL', () => {
    const sdk = createFakeQrSdk()
    const container = document.body.appendChild(document.createElement('div'))
    const onError = vi.fn<(error: DingTalkLoginError) => void>()
    const dispose = mountQrFrame(
      sdk.DTFrameLogin,
      container,
      { config: fakeConfig() },
      { onCode: vi.fn(), onError },
    )
    sdk.emitRaw({
      success: true,
      redirectUrl: `https://app.example/cb?error=${encodeURIComponent('用户取消了授权')}`,
    })
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: '用户取消了授权' }))
    dispose()
    container.remove()
  })

  it('takes only strings from the error body', async () => {
    const client = createDingTalkLoginClient({
      fetch: async () =>
        Response.json({ error: { code: 5, message: { text: 'x' }, requestId: 7 } }, { status: 400 }),
    })
    const error = (await client.getConfig().catch((e: unknown) => e)) as DingTalkLoginError
    expect(error).toMatchObject({ code: 'exchange-failed', message: '/config: HTTP 400' })
    expect(error.serverCode).toBeUndefined()
    expect(error.requestId).toBeUndefined()
  })
})
