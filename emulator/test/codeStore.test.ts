import { describe, expect, it } from 'vitest'
import { createCodeStore } from '../src/state/createCodeStore'

const TTL_MS = 300_000
const fields = { kind: 'freeLogin', clientId: undefined, unionId: 'u', corpId: 'c', scope: '' } as const

function clock() {
  let t = 1_800_000_000_000
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}

describe('the code store stays bounded', () => {
  it('forgets a code once used, and an expired one when it is next read', () => {
    const time = clock()
    const store = createCodeStore(time.now)
    const used = store.issue(fields, TTL_MS)
    const stale = store.issue(fields, TTL_MS)
    expect(store.size()).toBe(2)
    expect(store.consume(used.code, () => true)).toBeDefined()
    expect(store.consume(used.code, () => true)).toBeUndefined()
    expect(store.size()).toBe(1)
    time.advance(TTL_MS)
    expect(store.consume(stale.code, () => true)).toBeUndefined()
    expect(store.size()).toBe(0)
  })

  it('a refused attempt keeps the code', () => {
    const store = createCodeStore(clock().now)
    const issued = store.issue(fields, TTL_MS)
    expect(store.consume(issued.code, () => false)).toBeUndefined()
    expect(store.consume(issued.code, () => true)?.code).toBe(issued.code)
  })

  it('a soak that mints codes nobody uses holds about the codes still live, not every one minted', () => {
    const time = clock()
    const store = createCodeStore(time.now)
    let most = 0
    // 100,000 mints, one a second: about 300 are live at any time.
    for (let i = 0; i < 100_000; i++) {
      store.issue(fields, TTL_MS)
      time.advance(1_000)
      most = Math.max(most, store.size())
    }
    expect(most).toBeLessThanOrEqual(1_000)
  })

  it('a soak of logins, each code used at once, holds none', () => {
    const store = createCodeStore(clock().now)
    for (let i = 0; i < 10_000; i++) store.consume(store.issue(fields, TTL_MS).code, () => true)
    expect(store.size()).toBe(0)
  })

  it('codes minted faster than they expire stop at maxCodes, the oldest forgotten first', () => {
    const store = createCodeStore(clock().now, { maxCodes: 100 })
    const minted = Array.from({ length: 250 }, () => store.issue(fields, TTL_MS).code)
    expect(store.size()).toBe(100)
    expect(store.consume(minted[149]!, () => true)).toBeUndefined()
    expect(store.consume(minted[150]!, () => true)).toBeDefined()
    expect(store.consume(minted[249]!, () => true)).toBeDefined()
  })
})
