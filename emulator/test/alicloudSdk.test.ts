import { createRequire } from 'node:module'
import type * as Contact from '@alicloud/dingtalk/dist/contact_1_0/client'
import type * as Oauth2 from '@alicloud/dingtalk/dist/oauth2_1_0/client'
import type * as OpenApi from '@alicloud/openapi-client'
import type * as TeaUtil from '@alicloud/tea-util'
import { describe, expect, it } from 'vitest'
import { emulator, lina, noContactApp, yunqiApp, zhangwei } from './helpers'

// The vendor SDK is CommonJS; load it the way a Node user would.
const require = createRequire(import.meta.url)
const $OpenApi = require('@alicloud/openapi-client') as typeof OpenApi
const oauth2 = require('@alicloud/dingtalk/oauth2_1_0') as typeof Oauth2
const contact = require('@alicloud/dingtalk/contact_1_0') as typeof Contact
const { RuntimeOptions } = require('@alicloud/tea-util') as typeof TeaUtil

function config(url: string) {
  return new $OpenApi.Config({ protocol: 'http', regionId: 'central', endpoint: new URL(url).host })
}

describe('the official @alicloud/dingtalk SDK against the emulator', () => {
  it('gets an app token, exchanges an OAuth code and reads users/me', async () => {
    const e = await emulator()
    const oauthClient = new oauth2.default(config(e.url))
    const app = await oauthClient.getAccessToken(
      new oauth2.GetAccessTokenRequest({ appKey: yunqiApp.clientId, appSecret: yunqiApp.clientSecret }),
    )
    expect(app.statusCode).toBe(200)
    expect(app.body?.accessToken).toMatch(/^[0-9a-f]{32}$/)
    expect(app.body?.expireIn).toBe(7200)

    const { code } = e.mintOAuthCode({
      clientId: yunqiApp.clientId,
      userid: zhangwei.userid,
      scope: 'openid corpid',
    })
    const user = await oauthClient.getUserToken(
      new oauth2.GetUserTokenRequest({
        clientId: yunqiApp.clientId,
        clientSecret: yunqiApp.clientSecret,
        code,
        grantType: 'authorization_code',
      }),
    )
    expect(user.body?.accessToken).toMatch(/^[0-9a-f]{32}$/)
    expect(user.body?.refreshToken).toMatch(/^[0-9a-f]{32}$/)
    expect(user.body?.expireIn).toBe(7200)
    expect(user.body?.corpId).toBe(e.fixture.corps[0]!.corpId)

    const contactClient = new contact.default(config(e.url))
    const headers = new contact.GetUserHeaders({ xAcsDingtalkAccessToken: user.body!.accessToken })
    const me = await contactClient.getUserWithOptions('me', headers, new RuntimeOptions({}))
    expect(me.body?.unionId).toBe(zhangwei.unionId)
    expect(me.body?.nick).toBe('张伟')
    expect(me.body?.mobile).toBe('13800138001')
    expect(me.body?.stateCode).toBe('86')
    expect(e.stats().byEndpoint).toEqual({
      'POST /v1.0/oauth2/accessToken': 1,
      'POST /v1.0/oauth2/userAccessToken': 1,
      'GET /v1.0/contact/users/{unionId}': 1,
    })
  })

  it('parses v1.0 errors into its error type with the right code, status and details', async () => {
    const e = await emulator()
    const oauthClient = new oauth2.default(config(e.url))
    const bad = await oauthClient
      .getAccessToken(new oauth2.GetAccessTokenRequest({ appKey: 'test', appSecret: 'test' }))
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    expect(bad).toBeInstanceOf(Error)
    const err = bad as { code: string; message: string; data: Record<string, unknown> }
    expect(err.code).toBe('invalidClientIdOrSecret')
    // TeaError prefixes the code: `<code>: code: <status>, <message> request id: <requestid>`.
    expect(err.message).toMatch(/code: 400, 无效的clientId或者clientSecret request id: [0-9A-F-]{36}$/)
    expect(err.data.statusCode).toBe(400)

    const used = e.mintOAuthCode({ clientId: yunqiApp.clientId, unionId: lina.unionId }).code
    const request = new oauth2.GetUserTokenRequest({
      clientId: yunqiApp.clientId,
      clientSecret: yunqiApp.clientSecret,
      code: used,
      grantType: 'authorization_code',
    })
    await oauthClient.getUserToken(request)
    const reused = await oauthClient.getUserToken(request).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect((reused as { code: string }).code).toBe('invalidParameter.authCode.notFound')

    const noContact = e.mintOAuthCode({ clientId: noContactApp.clientId, unionId: lina.unionId }).code
    const token = await oauthClient.getUserToken(
      new oauth2.GetUserTokenRequest({
        clientId: noContactApp.clientId,
        clientSecret: noContactApp.clientSecret,
        code: noContact,
        grantType: 'authorization_code',
      }),
    )
    const contactClient = new contact.default(config(e.url))
    const denied = await contactClient
      .getUserWithOptions(
        'me',
        new contact.GetUserHeaders({ xAcsDingtalkAccessToken: token.body!.accessToken }),
        new RuntimeOptions({}),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    const deniedErr = denied as { code: string; accessDeniedDetail: { requiredScopes: string[] } }
    expect(deniedErr.code).toBe('Forbidden.AccessDenied.AccessTokenPermissionDenied')
    expect(deniedErr.accessDeniedDetail).toEqual({ requiredScopes: ['Contact.User.Read'] })
  })
})
