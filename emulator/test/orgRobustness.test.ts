import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { appToken, emulator, yunqi } from './helpers'

const ORG_ROUTES = ['/__emulator/org/people', '/__emulator/org/leave', '/__emulator/org/departments']
const DIRECTORY = [
  '/topapi/v2/department/listsub',
  '/topapi/v2/department/listsubid',
  '/topapi/v2/department/get',
  '/topapi/v2/user/list',
  '/topapi/user/listid',
]

const VALUE = fc.oneof(
  fc.constant(yunqi),
  fc.constantFrom(1, 10, 11, 0, -1, 1e21, 2 ** 53, 1.5, '10', '1,2', 'x'),
  fc.constantFrom('0138261547271', '01214738', 'chenjing', ''),
  fc.constantFrom(true, false, null),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
  fc.string(),
  fc.json(),
)
const FIELDS = fc.constantFrom(
  'corpId',
  'userid',
  'unionId',
  'name',
  'deptIds',
  'deptId',
  'parentId',
  'active',
  'hiredDate',
  'mobile',
  'dept_id',
  'cursor',
  'size',
  'order_field',
  'reason',
  '__proto__',
  'constructor',
)

describe('the organisation under random input', () => {
  it('refuses or applies every change cleanly; the directory stays consistent and answers in DingTalk formats', async () => {
    const e = await emulator({ ipRateLimit: false })
    const token = await appToken(e.url)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ORG_ROUTES, ...DIRECTORY),
        fc.constantFrom('POST', 'PATCH', 'DELETE', 'PUT'),
        fc.dictionary(FIELDS, VALUE, { maxKeys: 5 }),
        async (path, method, body) => {
          const directory = path.startsWith('/topapi')
          const res = await fetch(`${e.url}${path}${directory ? `?access_token=${token}` : ''}`, {
            method: directory ? 'POST' : method,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
          const json = (await res.json()) as Record<string, unknown>
          if (directory) {
            expect(res.status).toBe(200)
            expect(typeof json.errcode).toBe('number')
            expect(json.errcode === 0 || typeof json.errmsg === 'string').toBe(true)
          } else if (res.status !== 200) {
            expect([400, 404, 409]).toContain(res.status)
            expect(json.error).toMatchObject({ code: expect.any(String), message: expect.any(String) })
          }
        },
      ),
      { numRuns: 200 },
    )
    // Whatever happened, the organisation is still one valid tree and every person is in existing departments.
    const fixture = e.fixture
    const depts = new Set(fixture.departments.map((d) => `${d.corpId}/${d.deptId}`))
    for (const d of fixture.departments) {
      if (d.deptId === 1) expect(d.parentId).toBeUndefined()
      else expect(depts.has(`${d.corpId}/${d.parentId}`)).toBe(true)
    }
    for (const user of fixture.users) {
      for (const m of user.memberships) {
        for (const deptId of m.deptIdList) expect(depts.has(`${m.corpId}/${deptId}`)).toBe(true)
      }
    }
    expect(Object.prototype).not.toHaveProperty('corpId')
  })
})
