import { DingTalkLoginError, isDingTalkLoginError } from 'react-dingtalk-login'
import { describe, expect, it } from 'vitest'

describe('DingTalkLoginError', () => {
  it('carries the stable code, the server code and the cause', () => {
    const cause = new TypeError('Failed to fetch')
    const error = new DingTalkLoginError('exchange-failed', 'Login failed', {
      cause,
      serverCode: 'code_invalid',
      requestId: '01A08FE7-68C3-7BBD-B223-447768EA4B29',
    })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('DingTalkLoginError')
    expect(error.code).toBe('exchange-failed')
    expect(error.serverCode).toBe('code_invalid')
    expect(error.requestId).toBe('01A08FE7-68C3-7BBD-B223-447768EA4B29')
    expect(error.cause).toBe(cause)
  })

  it('is recognised across bundle copies but not confused with other errors', () => {
    const foreign = Object.assign(new Error('x'), { name: 'DingTalkLoginError', code: 'timeout' })
    expect(isDingTalkLoginError(foreign)).toBe(true)
    expect(
      isDingTalkLoginError(Object.assign(new Error('x'), { name: 'DingTalkLoginError', code: 'nope' })),
    ).toBe(false)
    expect(isDingTalkLoginError(new Error('x'))).toBe(false)
    expect(isDingTalkLoginError({ name: 'DingTalkLoginError', code: 'timeout' })).toBe(false)
  })
})
