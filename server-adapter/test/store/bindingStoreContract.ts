import { randomUUID } from 'node:crypto'
import type { BindingStore, DDInnerAuthModel, LocalUser } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

function binding(overrides: Partial<DDInnerAuthModel> = {}): DDInnerAuthModel {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    thirdCorpId: 'dingcorpa0000000000000000000000001',
    thirdUserId: `0${Math.floor(Math.random() * 1e12)}`,
    unionId: `u${randomUUID().replace(/-/g, '').slice(0, 20)}iE`,
    name: '张三',
    jobNumber: 'A-001',
    phone: '13800138000',
    email: 'zhangsan@corp.example',
    hiredDate: 1_600_000_000_000,
    photo: 'https://static.example/a.png',
    createTime: 1_700_000_000_000,
    updateTime: 1_700_000_000_000,
    rawProfile: JSON.stringify({ detail: { name: '张三', dept_id_list: [1, 2] } }),
    ...overrides,
  }
}

function userFor(b: DDInnerAuthModel): LocalUser {
  return { id: b.userId, name: b.name, avatar: b.photo, createTime: b.createTime, updateTime: b.updateTime }
}

/**
 * The shared contract every {@link BindingStore} must pass (design.md §4.4): run against memory, SQLite,
 * PostgreSQL and MariaDB.
 */
export function bindingStoreContract(
  name: string,
  open: () => Promise<{ store: BindingStore; cleanup: () => Promise<void> }>,
  options: { skip?: boolean } = {},
): void {
  describe.skipIf(options.skip === true)(`BindingStore contract: ${name}`, () => {
    let store: BindingStore
    let cleanup: () => Promise<void> = async () => {}

    beforeAll(async () => {
      ;({ store, cleanup } = await open())
    })
    afterAll(async () => {
      await cleanup()
    })

    it('finds nothing in an empty corp', async () => {
      expect(await store.findBinding({ corpId: 'dingnobody', dingUserId: 'x' })).toBeNull()
      expect(await store.findBinding({ corpId: 'dingnobody', unionId: 'x' })).toBeNull()
      expect(await store.findBinding({ id: randomUUID() })).toBeNull()
      expect(await store.findUser(randomUUID())).toBeNull()
    })

    it('creates a binding with its user and finds it by every key, fields intact', async () => {
      const b = binding()
      const result = await store.createBinding(b, userFor(b))
      expect(result.created).toBe(true)
      expect(result.binding).toEqual(b)
      expect(await store.findBinding({ corpId: b.thirdCorpId, dingUserId: b.thirdUserId })).toEqual(b)
      expect(await store.findBinding({ corpId: b.thirdCorpId, unionId: b.unionId })).toEqual(b)
      expect(await store.findBinding({ id: b.id })).toEqual(b)
      expect(await store.findUser(b.userId)).toEqual(userFor(b))
    })

    it('keeps a userid with a leading zero and null profile fields as they are', async () => {
      const b = binding({
        thirdUserId: '0138123456789071',
        jobNumber: null,
        phone: null,
        email: null,
        hiredDate: null,
        photo: null,
        name: null,
        rawProfile: null,
      })
      await store.createBinding(b)
      const found = await store.findBinding({ corpId: b.thirdCorpId, dingUserId: '0138123456789071' })
      expect(found).toEqual(b)
      expect(await store.findUser(b.userId)).toBeNull()
    })

    it('scopes keys by corp: the same userid and unionId in two corps are two bindings', async () => {
      const a = binding({ thirdCorpId: 'dingcorpa-scope' })
      const b = binding({ thirdCorpId: 'dingcorpb-scope', thirdUserId: a.thirdUserId, unionId: a.unionId })
      expect((await store.createBinding(a)).created).toBe(true)
      expect((await store.createBinding(b)).created).toBe(true)
      expect((await store.findBinding({ corpId: 'dingcorpb-scope', unionId: a.unionId }))?.id).toBe(b.id)
      expect((await store.findBinding({ corpId: 'dingcorpa-scope', unionId: a.unionId }))?.id).toBe(a.id)
    })

    it('tells apart userids, unionIds, corpIds and local user ids that differ only by letter case', async () => {
      const lower = binding({
        thirdCorpId: 'dingcorpcase',
        thirdUserId: 'manager4220',
        unionId: 'casefold0unionidiE',
        userId: 'local-user-case',
      })
      const upper = binding({
        thirdCorpId: 'dingcorpcase',
        thirdUserId: 'Manager4220',
        unionId: 'CASEFOLD0UNIONIDiE',
        userId: 'Local-User-Case',
      })
      const otherCorp = binding({
        thirdCorpId: 'DingCorpCase',
        thirdUserId: 'manager4220',
        unionId: 'casefold0unionidiE',
      })
      for (const b of [lower, upper, otherCorp]) {
        const result = await store.createBinding(b, userFor(b))
        expect(result).toEqual({ binding: b, created: true })
      }
      for (const b of [lower, upper, otherCorp]) {
        expect(await store.findBinding({ corpId: b.thirdCorpId, dingUserId: b.thirdUserId })).toEqual(b)
        expect(await store.findBinding({ corpId: b.thirdCorpId, unionId: b.unionId })).toEqual(b)
      }
      expect(await store.findBinding({ corpId: 'dingcorpcase', dingUserId: 'MANAGER4220' })).toBeNull()
      expect(await store.findBinding({ corpId: 'dingcorpcase', unionId: 'CaseFold0UnionIdiE' })).toBeNull()
      expect(await store.findUser(lower.userId)).toEqual(userFor(lower))
      expect(await store.findUser(upper.userId)).toEqual(userFor(upper))
      expect(await store.findUser('LOCAL-USER-CASE')).toBeNull()
    })

    it('is unique on (corp, userid): a second binding returns the first and writes no user', async () => {
      const first = binding()
      await store.createBinding(first, userFor(first))
      const second = binding({ thirdUserId: first.thirdUserId })
      const result = await store.createBinding(second, userFor(second))
      expect(result).toEqual({ binding: first, created: false })
      expect(await store.findUser(second.userId)).toBeNull()
      expect(await store.findBinding({ corpId: second.thirdCorpId, unionId: second.unionId })).toBeNull()
    })

    it('is unique on (corp, unionId)', async () => {
      const first = binding()
      await store.createBinding(first)
      const second = binding({ unionId: first.unionId })
      const result = await store.createBinding(second, userFor(second))
      expect(result.created).toBe(false)
      expect(result.binding.id).toBe(first.id)
      expect(await store.findUser(second.userId)).toBeNull()
    })

    it('makes exactly one binding and one user from 50 concurrent first logins of one person', async () => {
      const template = binding()
      const attempts = Array.from({ length: 50 }, () => {
        const b = { ...template, id: randomUUID(), userId: randomUUID() }
        return store.createBinding(b, userFor(b))
      })
      const results = await Promise.all(attempts)
      const created = results.filter((r) => r.created)
      expect(created).toHaveLength(1)
      const winner = created[0]!.binding
      for (const r of results) expect(r.binding.id).toBe(winner.id)
      for (const r of results) expect(r.binding.userId).toBe(winner.userId)
      expect(await store.findUser(winner.userId)).not.toBeNull()
      const found = await store.findBinding({ corpId: template.thirdCorpId, unionId: template.unionId })
      expect(found?.id).toBe(winner.id)
    })

    it('updates the profile and updateTime, not the identity', async () => {
      const b = binding()
      await store.createBinding(b, userFor(b))
      const updated = await store.updateBinding(
        b.id,
        {
          name: '李四',
          jobNumber: 'B-2',
          phone: '13900139000',
          email: 'lisi@corp.example',
          hiredDate: 1_650_000_000_000,
          photo: null,
          rawProfile: '{"detail":{}}',
        },
        1_800_000_000_000,
      )
      expect(updated).toEqual({
        ...b,
        name: '李四',
        jobNumber: 'B-2',
        phone: '13900139000',
        email: 'lisi@corp.example',
        hiredDate: 1_650_000_000_000,
        photo: null,
        rawProfile: '{"detail":{}}',
        updateTime: 1_800_000_000_000,
      })
      expect(await store.findBinding({ id: b.id })).toEqual(updated)
      expect(await store.updateBinding(randomUUID(), updated!, 1)).toBeNull()
    })

    it('updates a local user', async () => {
      const b = binding()
      await store.createBinding(b, userFor(b))
      await store.updateUser(b.userId, { name: 'New Name', avatar: null, updateTime: 1_900_000_000_000 })
      expect(await store.findUser(b.userId)).toEqual({
        id: b.userId,
        name: 'New Name',
        avatar: null,
        createTime: b.createTime,
        updateTime: 1_900_000_000_000,
      })
    })

    it('stores long raw profiles and non-ASCII text', async () => {
      const raw = JSON.stringify({ detail: { remark: '备注'.repeat(20_000), extension: '{"爱好":"旅游"}' } })
      const b = binding({ rawProfile: raw, name: '欧阳🐉' })
      await store.createBinding(b)
      const found = await store.findBinding({ id: b.id })
      expect(found?.rawProfile).toBe(raw)
      expect(found?.name).toBe('欧阳🐉')
    })
  })
}
