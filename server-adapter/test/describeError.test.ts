import { expect, it } from 'vitest'
import { describeError } from '../src/describeError'

it('keeps the scheme and host of a URL in the message, never its credentials, even with a raw @ in the password', () => {
  const error = new Error(
    'connect ECONNREFUSED redis://admin:p@ss@w0rd@10.0.0.7:6379/0 (and mysql://u:x@db/app)',
  )
  const line = describeError(error)
  expect(line).toBe('Error: connect ECONNREFUSED redis://10.0.0.7:6379/0 (and mysql://db/app)')
  expect(line).not.toMatch(/ss|w0rd|admin/)
})

it('is one line, with no stack, and says what was thrown when it is not an Error', () => {
  const error = new TypeError('first line\n    at somewhere (file.js:1)')
  expect(describeError(error)).toBe('TypeError: first line')
  expect(describeError('text')).toBe('thrown string: text')
})
