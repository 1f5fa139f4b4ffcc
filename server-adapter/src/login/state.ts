import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Bytes of entropy in a login `state`. */
export const STATE_BYTES = 32

/** A fresh login `state`: 32 random bytes from the CSPRNG, base64url (43 characters, URL- and cookie-safe). */
export function generateState(): string {
  return randomBytes(STATE_BYTES).toString('base64url')
}

/** What the store keeps instead of the state itself: its SHA-256, base64url. */
export function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('base64url')
}

/** Compares two states in constant time; any length or shape mismatch is simply `false`. */
export function statesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}
