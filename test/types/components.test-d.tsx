import {
  DingTalkLogin,
  DingTalkLoginProvider,
  DingTalkQrLogin,
  useDingTalkEnv,
  useDingTalkQrLogin,
  useWorkbenchAutoLogin,
  WorkbenchAutoLogin,
} from 'react-dingtalk-login'
import type {
  DingTalkEnv,
  DingTalkLoginError,
  DingTalkLoginErrorCode,
  DingTalkLoginProps,
  DingTalkLoginResult,
  DingTalkQrLoginProps,
  QrLoginStatus,
  WorkbenchAutoLoginProps,
  WorkbenchLoginStatus,
} from 'react-dingtalk-login'
import { describe, expectTypeOf, it } from 'vitest'

interface MyUser {
  id: number
  nickname: string
}

describe('component props', () => {
  it('types onSuccess with the login result by default and onError with DingTalkLoginError', () => {
    expectTypeOf<DingTalkQrLoginProps['onSuccess']>().toEqualTypeOf<
      ((result: DingTalkLoginResult) => void) | undefined
    >()
    expectTypeOf<DingTalkQrLoginProps['onError']>().toEqualTypeOf<
      ((error: DingTalkLoginError) => void) | undefined
    >()
    expectTypeOf<WorkbenchAutoLoginProps['onSuccess']>().toEqualTypeOf<
      ((result: DingTalkLoginResult) => void) | undefined
    >()
    expectTypeOf<DingTalkLoginProps['onError']>().toEqualTypeOf<
      ((error: DingTalkLoginError) => void) | undefined
    >()
    expectTypeOf<DingTalkLoginError['code']>().toEqualTypeOf<DingTalkLoginErrorCode>()
    expectTypeOf<DingTalkLoginResult['binding']['unionId']>().toEqualTypeOf<string>()
  })

  it('lets users type their own result through exchangeCode', () => {
    ;<DingTalkQrLogin<MyUser>
      exchangeCode={async ({ code, state, platform }) => {
        expectTypeOf(code).toEqualTypeOf<string>()
        expectTypeOf(state).toEqualTypeOf<string>()
        expectTypeOf(platform).toEqualTypeOf<'web' | 'mobile'>()
        return { id: 1, nickname: 'x' }
      }}
      onSuccess={(user) => expectTypeOf(user).toEqualTypeOf<MyUser>()}
    />
    ;<WorkbenchAutoLogin<MyUser>
      exchangeCode={async ({ corpId, authCode }) => {
        expectTypeOf(corpId).toEqualTypeOf<string>()
        expectTypeOf(authCode).toEqualTypeOf<string>()
        return { id: 2, nickname: 'y' }
      }}
      onSuccess={(user) => expectTypeOf(user.nickname).toEqualTypeOf<string>()}
    />
    ;<DingTalkLogin<MyUser> onSuccess={(user) => expectTypeOf(user.id).toEqualTypeOf<number>()} />
  })

  it('rejects wrong props', () => {
    // @ts-expect-error width is a number
    ;<DingTalkQrLogin width="300" />
    // @ts-expect-error locale is zh-CN or en
    ;<DingTalkLoginProvider locale="fr" />
    // @ts-expect-error a result of the wrong type
    ;<DingTalkQrLogin<MyUser> exchangeCode={async () => ({ id: 'not a number', nickname: 'x' })} />
    // @ts-expect-error onError gets a DingTalkLoginError, not a string
    ;<WorkbenchAutoLogin onError={(error: string) => error} />
    // @ts-expect-error the picker sets the workbench fallback itself
    ;<DingTalkLogin workbench={{ fallback: null }} />
    // @ts-expect-error the root element's class is DingTalkLogin's own: the workbench one would be dropped
    ;<DingTalkLogin workbench={{ className: 'login' }} />
    // @ts-expect-error so is its style
    ;<DingTalkLogin workbench={{ style: { width: 300 } }} />
  })

  it('takes the documented settings', () => {
    expectTypeOf<DingTalkQrLoginProps>()
      .toHaveProperty('refreshIntervalMs')
      .toEqualTypeOf<number | undefined>()
    expectTypeOf<WorkbenchAutoLoginProps>().toHaveProperty('timeoutMs').toEqualTypeOf<number | undefined>()
    expectTypeOf<WorkbenchAutoLoginProps>().toHaveProperty('fallback')
    expectTypeOf<DingTalkLoginProps>().toHaveProperty('fallbackToQr').toEqualTypeOf<boolean | undefined>()
  })
})

describe('hooks', () => {
  it('return named states, not booleans', () => {
    expectTypeOf(useDingTalkQrLogin().status).toEqualTypeOf<QrLoginStatus>()
    expectTypeOf(useWorkbenchAutoLogin().status).toEqualTypeOf<WorkbenchLoginStatus>()
    expectTypeOf(useDingTalkQrLogin().containerRef).toEqualTypeOf<(element: HTMLElement | null) => void>()
    expectTypeOf(useDingTalkEnv()).toEqualTypeOf<DingTalkEnv | undefined>()
    expectTypeOf(useDingTalkQrLogin<MyUser>().result).toEqualTypeOf<MyUser | null>()
  })
})
