import { createRequire } from 'node:module'
import type * as MicroApp from '@alicloud/dingtalk/dist/micro_app_1_0/client'
import type * as OpenApi from '@alicloud/openapi-client'
import type * as TeaUtil from '@alicloud/tea-util'
import { defaultFixture } from 'dingtalk-emulator'
import type { EmulatorFixture } from 'dingtalk-emulator'
import { describe, expect, it } from 'vitest'
import {
  appToken,
  emulator,
  expectV1Error,
  get,
  noContactApp,
  unpublishedApp,
  xingheApp,
  yunqiApp,
} from './helpers'

const PATH = '/v1.0/microApp/allInnerApps'

// The vendor SDK is CommonJS; load it the way a Node user would.
const require = createRequire(import.meta.url)
const $OpenApi = require('@alicloud/openapi-client') as typeof OpenApi
const microApp = require('@alicloud/dingtalk/micro_app_1_0') as typeof MicroApp
const { RuntimeOptions } = require('@alicloud/tea-util') as typeof TeaUtil

/** The default fixture, with the app-list permission for 云栖's app and a robot on it. */
function fixtureWithAppList(): EmulatorFixture {
  const fixture = structuredClone(defaultFixture)
  const app = fixture.apps.find((a) => a.clientId === yunqiApp.clientId)!
  app.permissions = [...app.permissions, 'qyapi_get_microapp_list']
  app.robot = true
  return fixture
}

describe('GET /v1.0/microApp/allInnerApps', () => {
  it("lists the token corp's internal apps with their agentIds; a robot's robotCode is its AppKey", async () => {
    const e = await emulator({ fixture: fixtureWithAppList() })
    const token = await appToken(e.url)
    const answer = await get(`${e.url}${PATH}`, { 'x-acs-dingtalk-access-token': token })
    expect(answer.status).toBe(200)
    expect(answer.contentType).toContain('application/json')
    const list = answer.body.appList as Record<string, unknown>[]
    // Only 云栖's apps, not 星河's.
    expect(list.map((app) => app.agentId).sort()).toEqual(
      [yunqiApp, noContactApp, unpublishedApp].map((app) => Number(app.agentId)).sort(),
    )
    expect(list.some((app) => app.agentId === Number(xingheApp.agentId))).toBe(false)
    expect(list.find((app) => app.agentId === Number(yunqiApp.agentId))).toEqual({
      agentId: Number(yunqiApp.agentId),
      name: yunqiApp.name,
      appStatus: 1,
      developType: 0,
      robotInfo: { name: yunqiApp.name, robotCode: yunqiApp.clientId },
    })
    expect(list.find((app) => app.agentId === Number(noContactApp.agentId))).not.toHaveProperty('robotInfo')
    expect(e.stats().byEndpoint[`GET ${PATH}`]).toBe(1)
  })

  it('answers 403 naming qyapi_get_microapp_list when the app lacks it', async () => {
    const e = await emulator()
    const token = await appToken(e.url)
    const answer = await get(`${e.url}${PATH}`, { 'x-acs-dingtalk-access-token': token })
    expectV1Error(answer, 403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied')
    expect(answer.body.accessdenieddetail).toEqual({ requiredScopes: ['qyapi_get_microapp_list'] })
  })

  it('takes the token from the header only', async () => {
    const e = await emulator({ fixture: fixtureWithAppList() })
    const token = await appToken(e.url)
    expectV1Error(
      await get(`${e.url}${PATH}?access_token=${token}`),
      400,
      'AuthenticationFailed.MissingParameter',
    )
    expectV1Error(
      await get(`${e.url}${PATH}`, { 'x-acs-dingtalk-access-token': 'nope' }),
      400,
      'InvalidAuthentication',
    )
  })

  it('is read by the official @alicloud/dingtalk SDK (micro_app_1_0 ListAllInnerApps)', async () => {
    const e = await emulator({ fixture: fixtureWithAppList() })
    const sdk = new microApp.default(
      new $OpenApi.Config({ protocol: 'http', regionId: 'central', endpoint: new URL(e.url).host }),
    )
    const answer = await sdk.listAllInnerAppsWithOptions(
      new microApp.ListAllInnerAppsHeaders({ xAcsDingtalkAccessToken: await appToken(e.url) }),
      new RuntimeOptions({}),
    )
    expect(answer.statusCode).toBe(200)
    const own = answer.body?.appList?.find((app) => app.robotInfo?.robotCode === yunqiApp.clientId)
    expect(own?.agentId).toBe(Number(yunqiApp.agentId))
    expect(own?.name).toBe(yunqiApp.name)
  })

  it('refuses a fixture whose robot is not a boolean', async () => {
    const fixture = structuredClone(defaultFixture) as unknown as { apps: Record<string, unknown>[] }
    fixture.apps[0]!.robot = 'yes'
    await expect(emulator({ fixture: fixture as unknown as EmulatorFixture })).rejects.toThrow(
      /apps\[0\]\.robot/,
    )
  })
})
