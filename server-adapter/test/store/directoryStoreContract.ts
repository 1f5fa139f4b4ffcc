import { randomUUID } from 'node:crypto'
import type { BindingStore, DDInnerAuthModel, DirectoryPerson, DirectoryStore } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { moveBindingToUserId } from '../../src/store/moveBindingToUserId'
import { isVacatedUserId } from '../../src/store/vacatedUserId'
import { vacateStaleUserId } from '../../src/store/vacateStaleUserId'
import { createRecordingLogger } from '../support/emulator'

const corp = () => `dingcorp${randomUUID().replace(/-/g, '').slice(0, 20)}`

function person(corpId: string, overrides: Partial<DirectoryPerson> = {}): DirectoryPerson {
  return {
    corpId,
    unionId: `u${randomUUID().replace(/-/g, '').slice(0, 18)}iE`,
    dingUserId: `0${Math.floor(Math.random() * 1e12)}`,
    name: '王芳',
    title: '产品经理',
    jobNumber: 'A-007',
    avatar: 'https://static.example/w.png',
    deptIds: [2, 5],
    leaderInDeptIds: [5],
    managerUserId: '0138261547271',
    admin: false,
    state: 'active',
    leftAt: null,
    updateTime: 1_700_000_000_000,
    ...overrides,
  }
}

/**
 * The directory half of the store contract (departments, people and their membership): run against memory,
 * SQLite, PostgreSQL and MariaDB.
 */
export function directoryStoreContract(
  name: string,
  open: () => Promise<{ store: BindingStore & DirectoryStore; cleanup: () => Promise<void> }>,
  options: { skip?: boolean } = {},
): void {
  describe.skipIf(options.skip === true)(`DirectoryStore contract: ${name}`, () => {
    let store: BindingStore & DirectoryStore
    let cleanup: () => Promise<void> = async () => {}

    beforeAll(async () => {
      ;({ store, cleanup } = await open())
    })
    afterAll(async () => {
      await cleanup()
    })

    it('keeps departments per corp, rewrites them by deptId and removes them', async () => {
      const a = corp()
      const b = corp()
      await store.upsertDepartments([
        { corpId: a, deptId: 1, name: '云栖', parentId: null, updateTime: 1 },
        { corpId: a, deptId: 2, name: '研发部', parentId: 1, updateTime: 1 },
        { corpId: b, deptId: 1, name: '星河', parentId: null, updateTime: 1 },
      ])
      expect(await store.listDepartments(a)).toEqual([
        { corpId: a, deptId: 1, name: '云栖', parentId: null, updateTime: 1 },
        { corpId: a, deptId: 2, name: '研发部', parentId: 1, updateTime: 1 },
      ])
      await store.upsertDepartments([
        { corpId: a, deptId: 2, name: '研发中心', parentId: 1, updateTime: 2 },
        { corpId: a, deptId: 3, name: '前端组', parentId: 2, updateTime: 2 },
      ])
      await store.removeDepartments(a, [1])
      expect(await store.listDepartments(a)).toEqual([
        { corpId: a, deptId: 2, name: '研发中心', parentId: 1, updateTime: 2 },
        { corpId: a, deptId: 3, name: '前端组', parentId: 2, updateTime: 2 },
      ])
      expect(await store.listDepartments(b)).toHaveLength(1)
      await store.removeDepartments(a, [])
      expect(await store.listDepartments(a)).toHaveLength(2)
    })

    it('stores a person with every field and finds them by unionId and by userid', async () => {
      const c = corp()
      const p = person(c)
      await store.upsertPeople([p])
      expect(await store.findPerson({ corpId: c, unionId: p.unionId })).toEqual(p)
      expect(await store.findPerson({ corpId: c, dingUserId: p.dingUserId })).toEqual(p)
      expect(await store.findPerson({ corpId: corp(), unionId: p.unionId })).toBeNull()
      expect(await store.listPeople(c)).toEqual([p])
    })

    it('records a leave and a rehire on the same row (same unionId), keeping the other fields', async () => {
      const c = corp()
      const p = person(c, { dingUserId: '0120001' })
      await store.upsertPeople([p])
      const left = { ...p, state: 'left' as const, leftAt: 1_800_000_000_000, updateTime: 1_800_000_000_000 }
      await store.upsertPeople([left])
      expect(await store.findPerson({ corpId: c, unionId: p.unionId })).toEqual(left)
      expect(await store.listPeople(c, { state: 'active' })).toEqual([])
      expect(await store.listPeople(c, { state: 'left' })).toEqual([left])
      const back = {
        ...p,
        dingUserId: '0120002',
        state: 'active' as const,
        leftAt: null,
        updateTime: 1_900_000_000_000,
      }
      await store.upsertPeople([back])
      expect(await store.listPeople(c)).toEqual([back])
      expect(await store.findPerson({ corpId: c, dingUserId: '0120002' })).toEqual(back)
    })

    it('tells apart people whose userids, unionIds or corpIds differ only by letter case', async () => {
      const c = corp()
      const lower = person(c, { dingUserId: 'manager4220', unionId: 'casefold0unionidiE' })
      const upper = person(c, { dingUserId: 'Manager4220', unionId: 'CASEFOLD0UNIONIDiE' })
      const otherCorp = person(c.toUpperCase(), { dingUserId: 'manager4220', unionId: 'casefold0unionidiE' })
      await store.upsertPeople([lower, upper, otherCorp])
      for (const p of [lower, upper, otherCorp]) {
        expect(await store.findPerson({ corpId: p.corpId, unionId: p.unionId })).toEqual(p)
        expect(await store.findPerson({ corpId: p.corpId, dingUserId: p.dingUserId })).toEqual(p)
      }
      expect(await store.findPerson({ corpId: c, dingUserId: 'MANAGER4220' })).toBeNull()
      expect(await store.listPeople(c)).toHaveLength(2)
      await store.upsertDepartments([
        { corpId: c, deptId: 1, name: '云栖', parentId: null, updateTime: 1 },
        { corpId: c.toUpperCase(), deptId: 1, name: '星河', parentId: null, updateTime: 1 },
      ])
      expect((await store.listDepartments(c)).map((d) => d.name)).toEqual(['云栖'])
    })

    it('prefers the active person when a userid was reused', async () => {
      const c = corp()
      const gone = person(c, { dingUserId: 'reused', state: 'left', leftAt: 5, updateTime: 9 })
      const current = person(c, { dingUserId: 'reused', updateTime: 6 })
      await store.upsertPeople([gone, current])
      expect((await store.findPerson({ corpId: c, dingUserId: 'reused' }))?.unionId).toBe(current.unionId)
    })

    it('writes a large organisation in one call, with empty lists, nulls and non-ASCII intact', async () => {
      const c = corp()
      const many = Array.from({ length: 1_050 }, (_, i) =>
        person(c, {
          dingUserId: `user${i}`,
          name: i === 0 ? '欧阳🐉' : null,
          title: null,
          jobNumber: null,
          avatar: null,
          managerUserId: null,
          deptIds: i === 0 ? [] : [1, i],
          leaderInDeptIds: [],
          admin: i % 2 === 0,
        }),
      )
      await store.upsertPeople(many)
      const stored = await store.listPeople(c)
      expect(stored).toHaveLength(1_050)
      const byUser = new Map(stored.map((p) => [p.dingUserId, p]))
      expect(byUser.get('user0')).toEqual(many[0])
      expect(byUser.get('user1049')).toEqual(many[1049])
    })

    it('lists the identities of a corp bindings', async () => {
      const c = corp()
      const id = randomUUID()
      await store.createBinding({
        id,
        userId: randomUUID(),
        thirdCorpId: c,
        thirdUserId: '0777',
        unionId: 'boundUnionIdiE',
        name: null,
        jobNumber: null,
        phone: null,
        email: null,
        hiredDate: null,
        photo: null,
        createTime: 1,
        updateTime: 1,
        rawProfile: null,
      })
      expect(await store.listBoundPeople(c)).toEqual([
        { bindingId: id, dingUserId: '0777', unionId: 'boundUnionIdiE' },
      ])
      expect(await store.listBoundPeople(corp())).toEqual([])
    })

    it('points a binding at a new userid (a rehire under another userid), refusing one another binding holds', async () => {
      const c = corp()
      const first = binding(c, '0120001', 'reboundUnionIdiE')
      const other = binding(c, '0120009', 'otherUnionIdiE')
      await store.createBinding(first)
      await store.createBinding(other)
      const moved = await store.updateBindingUserId(first.id, '0120002', 50)
      expect(moved).toEqual({ ...first, thirdUserId: '0120002', updateTime: 50 })
      expect(await store.findBinding({ corpId: c, dingUserId: '0120002' })).toEqual(moved)
      expect(await store.findBinding({ corpId: c, unionId: 'reboundUnionIdiE' })).toEqual(moved)
      expect(await store.findBinding({ corpId: c, dingUserId: '0120001' })).toBeNull()
      expect(await store.listBoundPeople(c)).toContainEqual({
        bindingId: first.id,
        dingUserId: '0120002',
        unionId: 'reboundUnionIdiE',
      })
      await expect(
        Promise.resolve().then(() => store.updateBindingUserId(first.id, '0120009', 60)),
      ).rejects.toThrow()
      expect(await store.findBinding({ corpId: c, dingUserId: '0120009' })).toEqual(other)
      expect(await store.findBinding({ id: first.id })).toEqual(moved)
      expect(await store.updateBindingUserId(randomUUID(), '0120003', 70)).toBeNull()
    })

    it('moves a binding only while it holds the expected userid (expectedUserId)', async () => {
      const c = corp()
      const first = binding(c, '0130001', 'condUnionIdiE')
      await store.createBinding(first)
      expect(
        await store.updateBindingUserId(first.id, '0130002', 50, { expectedUserId: '0130009' }),
      ).toBeNull()
      expect(await store.findBinding({ id: first.id })).toEqual(first)
      const moved = await store.updateBindingUserId(first.id, '0130002', 60, { expectedUserId: '0130001' })
      expect(moved).toEqual({ ...first, thirdUserId: '0130002', updateTime: 60 })
      expect(await store.findBinding({ corpId: c, dingUserId: '0130002' })).toEqual(moved)
      expect(
        await store.updateBindingUserId(randomUUID(), '0130003', 70, { expectedUserId: '0130002' }),
      ).toBeNull()
    })

    it('leaves a binding that moved off the userid after the vacating read it', async () => {
      const c = corp()
      const stale = binding(c, '0150001', 'staleUnionIdiE')
      await store.createBinding(stale)
      // The stale person comes back under a new userid between the vacating's read and its write.
      const racing: typeof store = Object.create(store) as typeof store
      racing.findBinding = async (key) => {
        const found = await store.findBinding(key)
        if ('dingUserId' in key && found?.id === stale.id)
          await store.updateBindingUserId(stale.id, '0150002', 40)
        return found
      }
      const vacated = await vacateStaleUserId(
        racing,
        createRecordingLogger(),
        { corpId: c, dingUserId: '0150001', unionId: 'newHolderUnionIdiE', updateTime: 50, source: 'login' },
        null,
      )
      expect(vacated).toBeNull()
      expect(await store.findBinding({ id: stale.id })).toMatchObject({
        thirdUserId: '0150002',
        updateTime: 40,
      })
    })

    it('moves a binding to a userid whose holder appeared after the vacating, vacating that one too', async () => {
      const c = corp()
      const mover = binding(c, '0140001', 'moverUnionIdiE')
      const late = binding(c, '0140002', 'lateUnionIdiE')
      await store.createBinding(mover)
      const revoked: string[] = []
      let lateCreated = false
      // The late holder takes the userid between the vacating's read (nobody holds it) and the move's write.
      const racing: typeof store = Object.create(store) as typeof store
      racing.updateBindingUserId = async (id, dingUserId, updateTime, options) => {
        if (!lateCreated && id === mover.id) {
          lateCreated = true
          await store.createBinding(late)
        }
        return store.updateBindingUserId(id, dingUserId, updateTime, options)
      }
      const result = await moveBindingToUserId(
        racing,
        createRecordingLogger(),
        { binding: mover, dingUserId: '0140002', updateTime: 80, source: 'directory' },
        (bindingId) => void revoked.push(bindingId),
      )
      expect(result).toMatchObject({ outcome: 'moved', vacatedBindingId: late.id })
      expect(await store.findBinding({ corpId: c, dingUserId: '0140002' })).toMatchObject({ id: mover.id })
      expect(isVacatedUserId((await store.findBinding({ id: late.id }))!.thirdUserId)).toBe(true)
      expect(revoked).toEqual([late.id])
    })
  })
}

function binding(corpId: string, dingUserId: string, unionId: string): DDInnerAuthModel {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    thirdCorpId: corpId,
    thirdUserId: dingUserId,
    unionId,
    name: '李娜',
    jobNumber: null,
    phone: null,
    email: null,
    hiredDate: null,
    photo: null,
    createTime: 1,
    updateTime: 1,
    rawProfile: null,
  }
}
