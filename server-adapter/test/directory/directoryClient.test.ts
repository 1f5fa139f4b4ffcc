import { DingTalkApiError, DingTalkClient } from 'dingtalk-login-server'
import { defaultFixture } from 'dingtalk-emulator'
import { afterEach, expect, it } from 'vitest'
import { APP_A, CORP_A, EP, ZHANG_WEI, calls, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

let emu: RunningEmulator | undefined
afterEach(async () => {
  await emu?.close()
  emu = undefined
})

function clientOf(running: RunningEmulator): DingTalkClient {
  const app = running.fixture.apps.find((a) => a.clientId === APP_A)!
  return new DingTalkClient(
    { appKey: app.clientId, appSecret: app.clientSecret, corpId: CORP_A },
    {
      apiBase: running.url,
      oapiBase: running.url,
      retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 },
    },
  )
}

it('reaches the directory through client.directory, on the app token and retries of the login calls', async () => {
  emu = await startTestEmulator()
  const client = clientOf(emu)
  expect((await client.getUser(ZHANG_WEI.userid)).unionid).toBe(ZHANG_WEI.unionId)
  // A busy answer is retried like every read of the client.
  emu.addFault({ endpoint: 'POST /topapi/v2/department/listsub', kind: 'busy', count: 1 })
  const children = await client.directory.listSubDepartments(1)
  expect(children.map((d) => d.parentId)).toEqual(children.map(() => 1))
  const requests: string[] = []
  const page = await client.directory.listDepartmentUsers(
    10,
    { cursor: 0 },
    { onRequest: (endpoint) => requests.push(endpoint) },
  )
  expect(page.list.map((p) => p.userid)).toContain(ZHANG_WEI.userid)
  expect(requests).toEqual(['POST /topapi/v2/user/list'])
  expect(await client.directory.getDepartment(1)).toMatchObject({ deptId: 1, parentId: null })
  expect(await client.directory.listLeaveRecords({ startTime: Date.now() - 86_400_000 })).toEqual({
    nextToken: undefined,
    records: [],
  })
  // One app token for the login call and the directory calls: the cache is shared.
  expect(calls(emu)).toMatchObject({ [EP.appToken]: 1, 'POST /topapi/v2/department/listsub': 2 })
})

it('names the permission a directory call lacks when DingTalk answers 60011', async () => {
  const fixture = structuredClone(defaultFixture)
  const app = fixture.apps.find((a) => a.clientId === APP_A)!
  app.permissions = app.permissions.filter((p) => p !== 'qyapi_get_department_list')
  emu = await startTestEmulator({ fixture })
  const error = await clientOf(emu)
    .directory.listSubDepartments(1)
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(DingTalkApiError)
  expect(error).toMatchObject({ errcode: 60011, requiredScopes: ['qyapi_get_department_list'] })
})
