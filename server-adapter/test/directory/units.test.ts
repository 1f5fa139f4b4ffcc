import {
  createCallbackCrypto,
  createDingTalkAuth,
  createMemoryStateStore,
  parseInterval,
  resolveDirectorySettings,
  resolveDirectoryTiming,
} from 'dingtalk-login-server'
import type { StateStore } from 'dingtalk-login-server'
import { describe, expect, it } from 'vitest'
import { toFrameEvent } from '../../src/directory/createInstanceLeader'
import { createLeaderLock } from '../../src/directory/createLeaderLock'

// DingTalk's own debugging example, reused by many SDKs' tests (organisation doc §4).
const VECTOR = {
  token: '123456',
  aesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
  key: 'suite4xxxxxxxxxxxxxxx',
  timestamp: '1445827045067',
  nonce: 'nEXhMP4r',
  signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
  encrypt:
    '1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
}

describe('callback crypto', () => {
  it("verifies and opens DingTalk's public test vector", () => {
    const crypto = createCallbackCrypto(VECTOR.token, VECTOR.aesKey, VECTOR.key)
    expect(crypto.sign(VECTOR.timestamp, VECTOR.nonce, VECTOR.encrypt)).toBe(VECTOR.signature)
    expect(crypto.verify(VECTOR.signature, VECTOR.timestamp, VECTOR.nonce, VECTOR.encrypt)).toBe(true)
    expect(
      crypto.verify(VECTOR.signature.replace('5a', '5b'), VECTOR.timestamp, VECTOR.nonce, VECTOR.encrypt),
    ).toBe(false)
    expect(JSON.parse(crypto.decrypt(VECTOR.encrypt))).toEqual({
      EventType: 'check_create_suite_url',
      Random: 'LPIdSnlF',
      TestSuiteKey: 'suite4xxxxxxxxxxxxxxx',
    })
  })

  it('round-trips a message and refuses one sealed for another $key', () => {
    const crypto = createCallbackCrypto(VECTOR.token, VECTOR.aesKey, 'dingappkey')
    expect(crypto.decrypt(crypto.encrypt('success'))).toBe('success')
    expect(() =>
      createCallbackCrypto(VECTOR.token, VECTOR.aesKey, VECTOR.key).decrypt(crypto.encrypt('x')),
    ).toThrow(/another app/)
    expect(() => crypto.decrypt('bm90IGEgY2lwaGVy')).toThrow(TypeError)
  })
})

describe('directory settings', () => {
  it('reads intervals like 24h, 30m, 45s, ms or false', () => {
    expect(parseInterval('24h', 'fullSyncEvery')).toBe(86_400_000)
    expect(parseInterval('30m', 'fullSyncEvery')).toBe(1_800_000)
    expect(parseInterval(5_000, 'fullSyncEvery')).toBe(5_000)
    expect(parseInterval(false, 'fullSyncEvery')).toBe(false)
    expect(() => parseInterval('daily', 'fullSyncEvery')).toThrow(/fullSyncEvery must be like '24h'/)
  })

  it('applies per-instance settings over the shared ones over the defaults', () => {
    const options = { events: 'stream' as const, instances: { hr: { leavers: 'keep' as const } } }
    expect(resolveDirectorySettings(options, 'hr')).toMatchObject({ events: 'stream', leavers: 'keep' })
    expect(resolveDirectorySettings(options, 'other')).toMatchObject({
      events: 'stream',
      leavers: 'disable',
      fullSyncEveryMs: 86_400_000,
    })
  })

  it('reads the lease and Stream timings, with production defaults, and refuses ones that cannot work', () => {
    expect(resolveDirectoryTiming()).toEqual({
      leaseMs: 15_000,
      renewEveryMs: 5_000,
      heartbeatMs: 10_000,
      reconnectMinMs: 1_000,
      reconnectMaxMs: 30_000,
    })
    expect(
      resolveDirectoryTiming(
        { lease: '900ms' },
        { heartbeatEvery: 50, reconnectMin: '10ms', reconnectMax: '1s' },
      ),
    ).toEqual({ leaseMs: 900, renewEveryMs: 300, heartbeatMs: 50, reconnectMinMs: 10, reconnectMaxMs: 1_000 })
    // A typo like '1ms' for '1m' is refused, naming the option, not run hundreds of times a second.
    expect(() => resolveDirectoryTiming({ renewEvery: '1ms' })).toThrow(
      /leader\.renewEvery \(1 ms\) must be at least 50 ms/,
    )
    expect(() => resolveDirectoryTiming({ lease: '90ms' })).toThrow(/leader\.renewEvery \(a third/)
    expect(() => resolveDirectoryTiming({}, { reconnectMin: '1ms' })).toThrow(
      /stream\.reconnectMin \(1 ms\) must be at least 10 ms/,
    )
    expect(() => resolveDirectoryTiming({}, { heartbeatEvery: '5ms' })).toThrow(
      /stream\.heartbeatEvery \(5 ms\) must be at least 50 ms/,
    )
    expect(() => resolveDirectoryTiming({ lease: '10s', renewEvery: '10s' })).toThrow(
      /leader\.renewEvery \(10000 ms\) must be less than leader\.lease/,
    )
    expect(() => resolveDirectoryTiming({}, { reconnectMin: '1m', reconnectMax: '30s' })).toThrow(
      /stream\.reconnectMin .* must not be more than stream\.reconnectMax/,
    )
    expect(() => resolveDirectoryTiming({}, { heartbeatEvery: '0s' })).toThrow(
      /stream\.heartbeatEvery must be like/,
    )
  })

  it('refuses callbacks without keys, naming the fix, when the auth is created', async () => {
    const instances = [
      {
        name: 'a',
        authConfig: {
          appKey: 'ding11n2pel2hylcaph2',
          appSecret: 'pIUNcHwUqKDKXXNzdcsl2jAAKKXyw_9IP2E7pSBx-_nUystfGgNHNB1PGWQesn9o',
          agentId: '3102938475',
          corpId: 'ding14baf2538452a2d9d39123d5899249cb',
        },
      },
    ]
    await expect(
      createDingTalkAuth({ instances, store: 'memory', directory: { events: 'callback' } }),
    ).rejects.toMatchObject({
      code: 'config_error',
      message: expect.stringMatching(/callback: \{ token, aesKey \} is missing/),
    })
    await expect(
      createDingTalkAuth({
        instances,
        store: 'memory',
        directory: { events: 'callback', callback: { token: 't', aesKey: 'short' } },
      }),
    ).rejects.toMatchObject({ code: 'config_error' })
  })
})

describe('leader lock', () => {
  it('never overwrites a lease another process took while this one was renewing its lapsed lease', async () => {
    let t = 0
    const shared = createMemoryStateStore({ now: () => t })
    const lockKey = 'directory:leader:app'
    const other = createLeaderLock({ stateStore: shared, key: lockKey, ttlMs: 1_000, now: () => t })
    let renewing = false
    // This process reaches the store slowly: after the first call of its renewal (whichever it is) returns, its
    // lease has run out in the store and the other process has taken it.
    async function meanwhile() {
      if (!renewing) return
      renewing = false
      t += 1_100
      expect(await other.acquire()).toBe(true)
    }
    const slow: StateStore = {
      ...shared,
      async get(key) {
        const value = await shared.get(key)
        await meanwhile()
        return value
      },
      async extend(key, expected, ttlMs) {
        const renewed = await shared.extend(key, expected, ttlMs)
        await meanwhile()
        return renewed
      },
    }
    const mine = createLeaderLock({ stateStore: slow, key: lockKey, ttlMs: 1_000, now: () => t })
    expect(await mine.acquire()).toBe(true)
    t = 900
    renewing = true
    await mine.acquire()
    // One leader: the one that took the lapsed lease keeps it, renewal after renewal.
    expect(mine.held).toBe(false)
    expect(await other.acquire()).toBe(true)
    expect(other.held).toBe(true)
    expect(await mine.acquire()).toBe(false)
  })
})

describe('Stream event frames', () => {
  it("takes an event's born time from its header or data, and the clock's when neither is a number", () => {
    const frame = (headers: Record<string, string>, data: Record<string, unknown> = {}) => ({
      headers: { eventId: 'e1', eventType: 'user_leave_org', ...headers },
      data: { userId: ['u1'], ...data },
    })
    const now = () => 1_700_000_000_000
    expect(toFrameEvent('corp', frame({ eventBornTime: '1690000000000' }), now).bornTime).toBe(
      1_690_000_000_000,
    )
    expect(toFrameEvent('corp', frame({}, { timeStamp: '1680000000000' }), now).bornTime).toBe(
      1_680_000_000_000,
    )
    expect(toFrameEvent('corp', frame({}), now).bornTime).toBe(now())
    expect(toFrameEvent('corp', frame({ eventBornTime: 'yesterday' }), now).bornTime).toBe(now())
    expect(toFrameEvent('corp', frame({}, { timeStamp: { at: 1 } }), now).bornTime).toBe(now())
  })
})
