import type {} from '../../../test/support/services'
import { randomUUID } from 'node:crypto'
import { createAppTokenManager } from 'dingtalk-login-server'
import {
  createMemoryStateStore,
  createRedisStateStore,
  createSqlStateStore,
  toTokenCache,
} from 'dingtalk-login-server'
import type { StateStore } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

const { redis, postgres, mysql } = inject('services')

/** The StateStore contract (design.md §4.4): every implementation passes it. */
function contract(
  name: string,
  open: () => Promise<{ store: StateStore; advance: (ms: number) => Promise<void> }>,
) {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore
    let advance: (ms: number) => Promise<void>
    beforeAll(async () => {
      ;({ store, advance } = await open())
    })
    afterAll(async () => {
      await store.close?.()
    })
    const key = () => `t:${randomUUID()}`

    it('stores, reads and expires a value', async () => {
      const k = key()
      expect(await store.set(k, 'v1', 200)).toBe(true)
      expect(await store.get(k)).toBe('v1')
      await advance(250)
      expect(await store.get(k)).toBeNull()
    })

    it('set nx writes only when absent, xx only when present', async () => {
      const k = key()
      expect(await store.set(k, 'a', 10_000, 'xx')).toBe(false)
      expect(await store.get(k)).toBeNull()
      expect(await store.set(k, 'a', 10_000, 'nx')).toBe(true)
      expect(await store.set(k, 'b', 10_000, 'nx')).toBe(false)
      expect(await store.get(k)).toBe('a')
      expect(await store.set(k, 'c', 10_000, 'xx')).toBe(true)
      expect(await store.get(k)).toBe('c')
    })

    it('take hands the value to exactly one of many concurrent callers', async () => {
      const k = key()
      await store.set(k, 'once', 10_000)
      const taken = await Promise.all(Array.from({ length: 50 }, () => store.take(k)))
      expect(taken.filter((v) => v === 'once')).toHaveLength(1)
      expect(taken.filter((v) => v === null)).toHaveLength(49)
      expect(await store.get(k)).toBeNull()
    })

    it('of many concurrent nx writers exactly one wins', async () => {
      const k = key()
      const won = await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(k, `w${i}`, 10_000, 'nx')))
      expect(won.filter(Boolean)).toHaveLength(1)
    })

    it('keeps sets whose members expire one by one (the session index)', async () => {
      const k = key()
      expect(await store.setMembers(k)).toEqual([])
      await store.addToSet(k, 'short', 200)
      await store.addToSet(k, 'long', 10_000)
      await store.addToSet(k, 'long', 10_000)
      expect((await store.setMembers(k)).sort()).toEqual(['long', 'short'])
      // A set and a key of the same name do not meet.
      expect(await store.get(k)).toBeNull()
      await advance(250)
      expect(await store.setMembers(k)).toEqual(['long'])
      await store.removeFromSet(k, 'long')
      expect(await store.setMembers(k)).toEqual([])
      await store.removeFromSet(k, 'never-added')
    })

    it('delete with an expected value deletes only that value', async () => {
      const k = key()
      await store.set(k, 'mine', 10_000)
      expect(await store.delete(k, 'theirs')).toBe(false)
      expect(await store.get(k)).toBe('mine')
      expect(await store.delete(k, 'mine')).toBe(true)
      expect(await store.get(k)).toBeNull()
      expect(await store.delete(k)).toBe(false)
    })

    it('extend renews only the expected value, atomically, and never brings an expired key back', async () => {
      const k = key()
      expect(await store.extend(k, 'mine', 10_000)).toBe(false)
      expect(await store.get(k)).toBeNull()
      await store.set(k, 'mine', 300)
      expect(await store.extend(k, 'theirs', 10_000)).toBe(false)
      await advance(200)
      expect(await store.extend(k, 'mine', 300)).toBe(true)
      // Past the first expiry: renewed, with its value unchanged.
      await advance(200)
      expect(await store.get(k)).toBe('mine')
      await advance(200)
      expect(await store.get(k)).toBeNull()
      expect(await store.extend(k, 'mine', 10_000)).toBe(false)
      expect(await store.get(k)).toBeNull()
      // Of a holder renewing and another process taking the key over, the renewal never overwrites the new value.
      await store.set(k, 'theirs', 10_000, 'nx')
      expect(await store.extend(k, 'mine', 10_000)).toBe(false)
      expect(await store.get(k)).toBe('theirs')
    })

    it('backs an app-token cache whose lock lets one of many managers fetch', async () => {
      const cache = toTokenCache(store, `tok:${randomUUID()}:`)
      let fetches = 0
      const managers = Array.from({ length: 5 }, () =>
        createAppTokenManager({
          key: 'app',
          cache,
          fetchToken: async () => {
            fetches++
            await new Promise((r) => setTimeout(r, 50))
            return { accessToken: 'token-1', expiresInSeconds: 7200 }
          },
        }),
      )
      const tokens = await Promise.all(managers.flatMap((m) => Array.from({ length: 20 }, () => m.get())))
      expect(new Set(tokens)).toEqual(new Set(['token-1']))
      expect(fetches).toBe(1)
      await managers[0]!.invalidate('other-token')
      expect(await cache.get('app')).not.toBeNull()
      await managers[0]!.invalidate('token-1')
      expect(await cache.get('app')).toBeNull()
    })
  })
}

describe('memory store bound', () => {
  it('keeps at most maxLoginStates login states, dropping the oldest, and never other entries (defect 7)', async () => {
    const store = createMemoryStateStore({ maxLoginStates: 3 })
    await store.set('code:used', 'claim', 60_000)
    await store.set('session-revoked:s1', '1', 60_000)
    for (let i = 0; i < 10; i++) expect(await store.set(`state:${i}`, 'v', 60_000, 'nx')).toBe(true)
    const live = []
    for (let i = 0; i < 10; i++) if ((await store.get(`state:${i}`)) !== null) live.push(i)
    expect(live).toEqual([7, 8, 9])
    expect(await store.get('code:used')).toBe('claim')
    expect(await store.get('session-revoked:s1')).toBe('1')
  })
})

contract('memory', async () => {
  let t = 1_000_000
  return {
    store: createMemoryStateStore({ now: () => t }),
    advance: async (ms) => {
      t += ms
    },
  }
})

describe.skipIf(!redis)('redis', () => {
  const prefix = `test:${randomUUID()}:`
  afterAll(async () => {
    const { Redis } = await import('ioredis')
    const client = new Redis(redis!)
    const keys = await client.keys(`${prefix}*`)
    if (keys.length > 0) await client.del(...keys)
    await client.quit()
  })
  contract('redis', async () => ({
    store: await createRedisStateStore({ url: redis!, keyPrefix: prefix }),
    advance: (ms) => new Promise((r) => setTimeout(r, ms)),
  }))
})

function sqlContract(name: string, url: () => string) {
  contract(name, async () => {
    let t = 1_000_000
    const store = await createSqlStateStore({
      url: url(),
      tablePrefix: `st_${randomUUID().replaceAll('-', '').slice(0, 12)}_`,
      now: () => t,
    })
    return {
      store: {
        ...store,
        close: async () => {
          await store.dropTable()
          await store.close()
        },
      },
      advance: async (ms) => {
        t += ms
      },
    }
  })
}

sqlContract('sqlite', () => 'sqlite::memory:')
describe.skipIf(!postgres)('postgres', () => sqlContract('postgres', () => postgres!))
describe.skipIf(!mysql)('mysql', () => sqlContract('mariadb', () => mysql!))

it('keeps MariaDB keys case-sensitive', async () => {
  if (!mysql) return
  const store = await createSqlStateStore({ url: mysql, tablePrefix: `cs_${randomUUID().slice(0, 8)}_` })
  try {
    await store.set('state:AbC', 'upper', 10_000)
    expect(await store.get('state:abc')).toBeNull()
    expect(await store.set('state:abc', 'lower', 10_000, 'nx')).toBe(true)
    expect(await store.take('state:AbC')).toBe('upper')
  } finally {
    await store.dropTable()
    await store.close()
  }
})
