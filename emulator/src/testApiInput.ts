import { EmulatorTestApiError } from './EmulatorTestApiError'

/** Readers for the fields of a test-API body: each names the field it refuses. */

const invalid = (message: string) => new EmulatorTestApiError(400, 'invalid_request', message)

export function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw invalid(`${key} must be a string`)
  return value
}

export function requiredString(input: Record<string, unknown>, key: string): string {
  const value = optionalString(input, key)
  if (value === undefined) throw invalid(`${key} is required`)
  return value
}

export function optionalBoolean(input: Record<string, unknown>, key: string): boolean | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  // Form bodies carry strings.
  if (value === 'true' || value === 'false') return value === 'true'
  if (typeof value !== 'boolean') throw invalid(`${key} must be a boolean`)
  return value
}

/** A whole number (or its decimal text, as form bodies carry it). */
export function optionalInteger(input: Record<string, unknown>, key: string): number | undefined {
  const value = input[key]
  if (value === undefined || value === null || value === '') return undefined
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid(`${key} must be an integer`)
  return n
}

export function requiredInteger(input: Record<string, unknown>, key: string): number {
  const value = optionalInteger(input, key)
  if (value === undefined) throw invalid(`${key} is required`)
  return value
}

/** A non-empty list of deptIds: `[10, 20]`, or `"10,20"` from a form. */
export function optionalDeptIds(input: Record<string, unknown>, key: string): number[] | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  const list = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value
  if (!Array.isArray(list) || list.length === 0) throw invalid(`${key} must be a non-empty list of deptIds`)
  return list.map((item, i) => {
    const n = typeof item === 'string' && /^\d+$/.test(item) ? Number(item) : item
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
      throw invalid(`${key}[${i}] must be a deptId (an integer >= 1)`)
    return n
  })
}

/** Refuses fields the operation does not know, so a typo is an error rather than a silent no-op. */
export function rejectUnknownFields(input: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(input).filter((k) => !known.includes(k))
  if (unknown.length > 0) throw invalid(`unknown field ${unknown.join(', ')} (known: ${known.join(', ')})`)
}
