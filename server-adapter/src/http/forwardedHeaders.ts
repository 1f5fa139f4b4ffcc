import { DingTalkAuthError } from '../errors'

/** The `X-Forwarded-*` headers the handler reads behind a trusted proxy. */
export type ForwardedHeader = 'x-forwarded-for' | 'x-forwarded-proto' | 'x-forwarded-host'

/**
 * `trustProxy` as the number of proxies in front of the app: `false` → 0 (the headers are ignored), `true` → 1.
 * Throws `config_error` for anything but a boolean or a non-negative integer.
 */
export function trustedProxyCount(trustProxy: boolean | number | undefined): number {
  if (trustProxy === undefined || trustProxy === false) return 0
  if (trustProxy === true) return 1
  if (Number.isInteger(trustProxy) && trustProxy >= 0) return trustProxy
  throw new DingTalkAuthError('config_error', {
    detail: 'trustProxy: expected true, false or the number of proxies in front of the app',
  })
}

/**
 * The entry of a forwarded header that the outermost of `proxies` trusted proxies wrote, or `null`.
 *
 * Each proxy appends what it saw to the header it received, and a client can send the header itself: only the
 * entries on the right are the proxies' own. The nearest proxy wrote the last one, so with `proxies` in front of
 * the app the one the client reached wrote the `proxies`-th from the right (the leftmost when there are fewer, as
 * when a proxy replaces the header instead of appending).
 */
export function forwardedEntry(headers: Headers, name: ForwardedHeader, proxies: number): string | null {
  if (proxies < 1) return null
  const entries = (headers.get(name) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  if (entries.length === 0) return null
  return entries[Math.max(0, entries.length - proxies)] ?? null
}
