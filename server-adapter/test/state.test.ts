import { generateState, hashState, statesEqual } from 'dingtalk-login-server'
import { describe, expect, it } from 'vitest'

describe('login state', () => {
  it('is 32 random bytes in base64url', () => {
    const state = generateState()
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(state, 'base64url')).toHaveLength(32)
  })

  it('does not repeat across many draws', () => {
    const states = new Set(Array.from({ length: 10_000 }, () => generateState()))
    expect(states.size).toBe(10_000)
  })

  it('is stored hashed, so the store never sees the state itself', () => {
    const state = generateState()
    const hash = hashState(state)
    expect(hash).not.toContain(state)
    expect(hash).toBe(hashState(state))
    expect(hash).not.toBe(hashState(generateState()))
  })

  it('compares equal only to itself', () => {
    const state = generateState()
    expect(statesEqual(state, state)).toBe(true)
    expect(statesEqual(state, `${state}x`)).toBe(false)
    expect(statesEqual(state, generateState())).toBe(false)
  })
})
