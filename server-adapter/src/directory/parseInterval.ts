import { DingTalkAuthError } from '../errors'

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `'24h'`, `'90m'`, `'30s'`, `'1d'`, `'500ms'` or a number of ms → ms; `false` stays `false`. */
export function parseInterval(value: string | number, field: string): number
export function parseInterval(value: string | number | false, field: string): number | false
export function parseInterval(value: string | number | false, field: string): number | false {
  if (value === false) return false
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim()) : null
  const ms = match ? Number(match[1]) * UNITS[match[2]!]! : NaN
  if (ms > 0) return ms
  throw new DingTalkAuthError('config_error', {
    detail: `directory: ${field} must be like '24h', '30m', '45s', a number of ms > 0, or false; found ${JSON.stringify(value)}`,
  })
}
