import { defaultFixture, isRegisteredRedirectUri, validateFixture } from 'dingtalk-emulator'
import { describe, expect, it } from 'vitest'

describe('defaultFixture', () => {
  it('has realistic identifier shapes', () => {
    for (const corp of defaultFixture.corps) expect(corp.corpId).toMatch(/^ding[0-9a-f]{32}$/)
    for (const app of defaultFixture.apps) {
      expect(app.clientId).toMatch(/^ding[a-z0-9]{16}$/)
      expect(app.clientSecret).toMatch(/^[A-Za-z0-9_-]{64}$/)
      expect(app.agentId).toMatch(/^[1-9][0-9]{9}$/)
      expect(defaultFixture.corps.map((c) => c.corpId)).toContain(app.corpId)
    }
    expect(new Set(defaultFixture.users.map((u) => u.unionId)).size).toBe(defaultFixture.users.length)
  })

  it('covers the cases tests need', () => {
    const [a, b, c] = defaultFixture.apps
    expect(defaultFixture.corps).toHaveLength(2)
    expect(a!.corpId).not.toBe(b!.corpId)
    for (const app of [a!, b!]) {
      expect(app.permissions).toEqual(
        expect.arrayContaining([
          'qyapi_base',
          'Contact.User.Read',
          'Contact.User.mobile',
          'qyapi_get_member',
        ]),
      )
      expect(app.published).toBe(true)
    }
    expect(c!.permissions).not.toContain('Contact.User.Read')
    expect(defaultFixture.users.length).toBeGreaterThanOrEqual(12)
    expect(defaultFixture.users.filter((u) => u.memberships.length === 2)).toHaveLength(1)
    expect(defaultFixture.users.filter((u) => u.memberships.length === 0)).toHaveLength(1)
    const userids = defaultFixture.users.flatMap((u) => u.memberships.map((m) => m.userid))
    expect(userids.filter((id) => /^0\d+$/.test(id)).length).toBeGreaterThanOrEqual(3)
    expect(defaultFixture.users.every((u) => /^[\u4e00-\u9fa5]{2,3}$/.test(u.nick))).toBe(true)
  })

  it('validates and copies', () => {
    const copy = validateFixture(defaultFixture)
    expect(copy).toEqual(defaultFixture)
    expect(copy).not.toBe(defaultFixture)
    expect(() => validateFixture({ corps: [], apps: [{}], users: [] })).toThrow(/apps\[0\]\.clientId/)
    expect(() =>
      validateFixture({ ...defaultFixture, apps: [{ ...defaultFixture.apps[0], corpId: 'dingx' }] }),
    ).toThrow(/apps\[0\]\.corpId: expected the corpId of a corp in corps, found "dingx"/)
    expect(() => validateFixture(null)).toThrow(/fixture/)
  })
})

describe('isRegisteredRedirectUri', () => {
  const registered = ['http://127.0.0.1:*/api/auth/dingtalk/callback', 'https://app.example/cb']
  it.each([
    ['http://127.0.0.1:3000/api/auth/dingtalk/callback', true],
    ['http://127.0.0.1/api/auth/dingtalk/callback', true],
    ['http://127.0.0.1:3000/api/auth/dingtalk/callback?x=1#frag', true],
    ['http://127.0.0.1:3000/api/auth/dingtalk/callback/', false],
    ['http://localhost:3000/api/auth/dingtalk/callback', false],
    ['https://127.0.0.1:3000/api/auth/dingtalk/callback', false],
    ['https://app.example/cb?state=1', true],
    ['https://app.example:444/cb', false],
    ['https://app.example/cb2', false],
    ['javascript:alert(1)', false],
    ['', false],
  ])('%s → %s', (uri, expected) => {
    expect(isRegisteredRedirectUri(uri, registered)).toBe(expected)
  })
})
