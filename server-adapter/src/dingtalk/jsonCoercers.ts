import { UnexpectedResponseError } from './UnexpectedResponseError'

// DingTalk's answers are loosely typed JSON: these read one field each, tolerantly where DingTalk is known to vary.

/** A JSON object as DingTalk answers it. */
export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

// DingTalk: docs show numbers and booleans as strings at times ("boss":"true"); parse tolerantly.
export function optionalNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value)
  return null
}

export function optionalBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

export function numberList(value: unknown): number[] {
  if (!Array.isArray(value)) return []
  return value.map(optionalNumber).filter((n): n is number => n !== null)
}

export function requireString(endpoint: string, body: Json, key: string): string {
  const value = optionalString(body[key])
  if (value === undefined)
    throw new UnexpectedResponseError(endpoint, 200, undefined, `no ${key} in the answer`)
  return value
}

// DingTalk: a userid is a string that may be all digits with a leading 0; never turn it into a number.
export function requireId(endpoint: string, body: Json, key: string): string {
  const value = body[key]
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  throw new UnexpectedResponseError(endpoint, 200, undefined, `no ${key} in the answer`)
}

export function requireObject(endpoint: string, body: Json, key: string): Json {
  const value = body[key]
  if (!isObject(value))
    throw new UnexpectedResponseError(endpoint, 200, undefined, `no ${key} object in the answer`)
  return value
}
