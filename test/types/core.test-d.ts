import {
  createDingTalkLoginClient,
  createQrLoginStore,
  createWorkbenchLoginStore,
  loadQrLoginSdk,
} from 'react-dingtalk-login/core'
import type {
  DingTalkBridge,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  DTFrameLogin,
  QrLoginStatus,
  WorkbenchLoginStatus,
  DingTalkLoginError,
} from 'react-dingtalk-login/core'
import { describe, expectTypeOf, it } from 'vitest'

describe('core types', () => {
  it('the loader resolves DTFrameLogin', () => {
    expectTypeOf(loadQrLoginSdk()).toEqualTypeOf<Promise<DTFrameLogin>>()
    expectTypeOf(loadQrLoginSdk)
      .parameter(0)
      .toEqualTypeOf<{ src?: string; nonce?: string; timeoutMs?: number } | undefined>()
  })

  it('the client is generic in its result', () => {
    const client = createDingTalkLoginClient<{ ok: true }>()
    expectTypeOf(client.getConfig()).toEqualTypeOf<Promise<DingTalkLoginConfig>>()
    expectTypeOf(client.loginWithQrCode({ code: 'c', state: 's', platform: 'web' })).toEqualTypeOf<
      Promise<{ ok: true }>
    >()
    expectTypeOf(createDingTalkLoginClient().getLoginCode).returns.toEqualTypeOf<
      Promise<DingTalkLoginResult>
    >()
    // @ts-expect-error platform is web or mobile
    void client.loginWithQrCode({ code: 'c', state: 's', platform: 'desktop' })
  })

  it('stores expose named states and typed results', () => {
    expectTypeOf(createQrLoginStore().getState().status).toEqualTypeOf<QrLoginStatus>()
    expectTypeOf(createWorkbenchLoginStore<number>().getState().result).toEqualTypeOf<number | null>()
    expectTypeOf(createWorkbenchLoginStore().getState().status).toEqualTypeOf<WorkbenchLoginStatus>()
    expectTypeOf(createQrLoginStore().getState().error).toEqualTypeOf<DingTalkLoginError | null>()
  })

  it('a bridge is a two-method interface', () => {
    expectTypeOf<DingTalkBridge['requestAuthCode']>().returns.toEqualTypeOf<Promise<string>>()
    const bridge: DingTalkBridge = {
      getEnv: () => ({ platform: 'ios', inDingTalk: true, version: '7.6.0' }),
      requestAuthCode: async () => 'code',
    }
    expectTypeOf(bridge).toMatchTypeOf<DingTalkBridge>()
  })
})
