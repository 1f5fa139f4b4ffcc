import { randomBytes, randomUUID } from 'node:crypto'

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length]
  return out
}

/** v1.0 gateway request id: uppercase hex 8-4-4-4-12, e.g. `01A08FE7-68C3-7BBD-B223-447768EA4B29`. */
export function createV1RequestId(): string {
  return randomUUID().toUpperCase()
}

/** oapi `request_id`: about 13 lowercase alphanumerics, e.g. `16l4ew3d47pdp`. */
export function createOapiRequestId(): string {
  return randomFrom(LOWER_ALNUM, 13)
}

/** Access tokens as DingTalk shows them: 32 lowercase hex characters. */
export function createAccessToken(): string {
  return randomBytes(16).toString('hex')
}

/** Event ids as Stream mode and HTTP callbacks carry them: 32 lowercase hex characters. */
export function createEventId(): string {
  return randomBytes(16).toString('hex')
}
