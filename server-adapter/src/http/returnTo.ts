import { DingTalkAuthError } from '../errors'

/**
 * Resolves a `returnTo` against the allow-list, or throws `invalid_request` (field `returnTo`), so the redirect
 * login can never be turned into an open redirect. Allow-list entries are path prefixes on the app's own origin
 * (`'/'`, `'/admin'`) or absolute URL prefixes on another origin (`'https://admin.example.com/'`). Path prefixes
 * match whole segments: `'/admin'` allows `/admin` and `/admin/x`, not `/administrator`.
 */
export function resolveReturnTo(raw: string | null, ownOrigin: string, allowList: readonly string[]): string {
  const fallback = new URL('/', ownOrigin).href
  if (raw === null || raw === '') return fallback
  const reject = (why: string) =>
    new DingTalkAuthError('invalid_request', { field: 'returnTo', detail: `returnTo ${why}` })
  // Browsers treat "\" like "/" and drop tabs/newlines, which turns "/\evil.example" into another origin.
  if (raw.length > 2048 || hasUnsafeCharacter(raw)) throw reject('has characters that are not allowed')
  let url: URL
  try {
    url = new URL(raw, ownOrigin)
  } catch {
    throw reject('is not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw reject('is not an http(s) URL')
  if (url.username || url.password) throw reject('has credentials')
  for (const entry of allowList) {
    const base = new URL(entry, ownOrigin)
    if (base.origin === url.origin && pathWithin(url.pathname, base.pathname)) return url.href
  }
  throw reject('is not in the allowed list')
}

function pathWithin(path: string, prefix: string): boolean {
  if (prefix === '/' || prefix === '') return true
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  return path === trimmed || path.startsWith(`${trimmed}/`)
}

function hasUnsafeCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x20 || c === 0x7f || c === 0x5c) return true
  }
  return false
}
