import { createRequire } from 'node:module'
import type * as Contact from '@alicloud/dingtalk/dist/contact_1_0/client'
import type * as OpenApi from '@alicloud/openapi-client'
import type * as TeaUtil from '@alicloud/tea-util'
import { describe, expect, it } from 'vitest'
import { appToken, emulator, lina, noContactApp, yunqi, zhangwei } from './helpers'

// The vendor SDK is CommonJS; load it the way a Node user would.
const require = createRequire(import.meta.url)
const $OpenApi = require('@alicloud/openapi-client') as typeof OpenApi
const contact = require('@alicloud/dingtalk/contact_1_0') as typeof Contact
const { RuntimeOptions } = require('@alicloud/tea-util') as typeof TeaUtil

function client(url: string) {
  return new contact.default(
    new $OpenApi.Config({ protocol: 'http', regionId: 'central', endpoint: new URL(url).host }),
  )
}

describe('the official @alicloud/dingtalk SDK reads leave records (contact_1_0 ListEmpLeaveRecords)', () => {
  it('pages through the records with nextToken', async () => {
    const e = await emulator()
    const startTime = new Date(e.clock.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    e.leave({ corpId: yunqi, userid: lina.yunqiUserid })
    e.leave({ corpId: yunqi, userid: zhangwei.userid })
    const sdk = client(e.url)
    const headers = new contact.ListEmpLeaveRecordsHeaders({ xAcsDingtalkAccessToken: await appToken(e.url) })
    const seen: string[] = []
    let nextToken: string | undefined
    do {
      const page = await sdk.listEmpLeaveRecordsWithOptions(
        new contact.ListEmpLeaveRecordsRequest({ startTime, maxResults: 1, nextToken }),
        headers,
        new RuntimeOptions({}),
      )
      expect(page.statusCode).toBe(200)
      for (const record of page.body?.records ?? []) {
        expect(record.leaveTime).toMatch(/Z$/)
        expect(record.stateCode).toBe('86')
        seen.push(`${record.userId} ${record.name}`)
      }
      nextToken = page.body?.nextToken
    } while (nextToken)
    expect(seen).toEqual([`${lina.yunqiUserid} 李娜`, `${zhangwei.userid} 张伟`])
    expect(e.stats().byEndpoint['GET /v1.0/contact/empLeaveRecords']).toBe(2)
  })

  it('surfaces a missing permission as the SDK error with requiredScopes', async () => {
    const e = await emulator()
    const headers = new contact.ListEmpLeaveRecordsHeaders({
      xAcsDingtalkAccessToken: await appToken(e.url, noContactApp),
    })
    const error = (await client(e.url)
      .listEmpLeaveRecordsWithOptions(
        new contact.ListEmpLeaveRecordsRequest({ startTime: '2026-01-01T00:00:00Z', maxResults: 10 }),
        headers,
        new RuntimeOptions({}),
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      )) as { code: string; accessDeniedDetail: unknown; data: { statusCode: number } }
    expect(error.code).toBe('Forbidden.AccessDenied.AccessTokenPermissionDenied')
    expect(error.data.statusCode).toBe(403)
    expect(error.accessDeniedDetail).toEqual({ requiredScopes: ['Contact.Common.Read'] })
  })
})
