import type {
  DingTalkErrorResponse,
  DingTalkLoginResponse,
  DingTalkPublicLoginConfig,
  DingTalkSessionToken as ServerSessionToken,
  DingTalkSessionView,
} from 'dingtalk-login-server'
import type {
  DingTalkBinding,
  DingTalkLoginConfig,
  DingTalkLoginResult,
  DingTalkSession,
  DingTalkSessionToken,
  DingTalkUser,
} from 'react-dingtalk-login/core'
import { describe, expectTypeOf, it } from 'vitest'

/**
 * The wire contract: what the server declares it sends (`server-adapter/src/http/wire.ts`) is what the React
 * package's types accept. Fields the client reads must exist with the same nullability on both sides.
 */
describe('wire contract between dingtalk-login-server and react-dingtalk-login', () => {
  it('GET /config', () => {
    expectTypeOf<DingTalkPublicLoginConfig>().toExtend<DingTalkLoginConfig>()
    expectTypeOf<keyof DingTalkLoginConfig>().toEqualTypeOf<keyof DingTalkPublicLoginConfig>()
  })

  it('the login result of POST /login/qr and /login/workbench', () => {
    expectTypeOf<DingTalkLoginResponse>().toExtend<DingTalkLoginResult>()
    // user.name is null when DingTalk gave none, on both sides.
    expectTypeOf<DingTalkLoginResponse['user']>().toEqualTypeOf<DingTalkUser>()
    expectTypeOf<DingTalkLoginResult['user']['name']>().toEqualTypeOf<string | null>()
    // session is absent when the host takes logins with onLogin: optional on both sides.
    expectTypeOf<DingTalkLoginResponse['session']>().toEqualTypeOf<ServerSessionToken | undefined>()
    expectTypeOf<DingTalkLoginResult['session']>().toEqualTypeOf<DingTalkSessionToken | undefined>()
    expectTypeOf<ServerSessionToken>().toExtend<DingTalkSessionToken>()
    expectTypeOf<DingTalkLoginResponse['binding']>().toExtend<DingTalkBinding>()
    expectTypeOf<keyof DingTalkBinding>().toEqualTypeOf<keyof DingTalkLoginResponse['binding']>()
  })

  it('GET /session', () => {
    expectTypeOf<DingTalkSessionView>().toExtend<DingTalkSession>()
    expectTypeOf<keyof DingTalkSession>().toEqualTypeOf<keyof DingTalkSessionView>()
  })

  it('every refusal carries a string code the client maps', () => {
    expectTypeOf<DingTalkErrorResponse['error']['code']>().toEqualTypeOf<string>()
  })
})
