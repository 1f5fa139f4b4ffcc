/** Attributes of a cookie the handler sets. */
export interface CookieAttributes {
  path: string
  /** Seconds; 0 deletes the cookie. */
  maxAge: number
  secure: boolean
  httpOnly?: boolean
  sameSite?: 'Lax' | 'Strict' | 'None'
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const COOKIE_VALUE = /^[!#-+\--:<-[\]-~]*$/

/** Parses a `Cookie` header; the first occurrence of a name wins, as in browsers' ordering by path length. */
export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>()
  if (!header) return cookies
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    if (!cookies.has(name)) cookies.set(name, value)
  }
  return cookies
}

/** A `Set-Cookie` value. Name and value must already be cookie-safe (ours are base64url / JWTs). */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!COOKIE_NAME.test(name) || !COOKIE_VALUE.test(value)) throw new TypeError('unsafe cookie name or value')
  const parts = [
    `${name}=${value}`,
    `Path=${attributes.path}`,
    `Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`,
  ]
  if (attributes.maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  if (attributes.httpOnly !== false) parts.push('HttpOnly')
  if (attributes.secure) parts.push('Secure')
  parts.push(`SameSite=${attributes.sameSite ?? 'Lax'}`)
  return parts.join('; ')
}
