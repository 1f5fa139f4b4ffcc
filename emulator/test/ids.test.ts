import { createAccessToken, createOapiRequestId, createV1RequestId } from 'dingtalk-emulator'
import { describe, expect, it } from 'vitest'

describe('identifiers in DingTalk shapes', () => {
  it('makes v1.0 request ids like the gateway and oapi request ids like topapi', () => {
    expect(createV1RequestId()).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/)
    expect(createOapiRequestId()).toMatch(/^[a-z0-9]{13}$/)
    expect(createAccessToken()).toMatch(/^[0-9a-f]{32}$/)
  })

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => createAccessToken()))
    expect(tokens.size).toBe(1000)
  })
})
