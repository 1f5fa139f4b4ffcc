import { DingTalkAuthError } from '../errors'
import { clientAddressOf } from './clientAddress'
import { forwardedEntry } from './forwardedHeaders'
import type { DingTalkRateLimitOptions } from './handlerOptions'

/** Counts state creations per client in fixed windows, in this process. */
export interface RateLimiter {
  /** Counts one request of its client; throws `rate_limited` past the limit. */
  take(request: Request): void
}

interface Window {
  startedAt: number
  count: number
}

/** Clients tracked at once; past it the oldest window is forgotten (memory stays bounded under a flood). */
const MAX_CLIENTS = 50_000

/** Behind trusted proxies the address the outermost one saw; else the socket address a Node adapter recorded. */
function defaultClientKey(trustedProxies: number): (request: Request) => string | null {
  return (request) =>
    forwardedEntry(request.headers, 'x-forwarded-for', trustedProxies) ?? clientAddressOf(request)
}

/** A fixed-window limiter per client key; `null` options make a limiter that never refuses. */
export function createRateLimiter(
  options: DingTalkRateLimitOptions | undefined,
  { now, trustedProxies }: { now: () => number; trustedProxies: number },
): RateLimiter {
  if (!options) return { take: () => undefined }
  const max = options.max ?? 60
  const windowMs = options.windowMs ?? 60_000
  if (!Number.isInteger(max) || max < 1 || !(windowMs > 0)) {
    throw new DingTalkAuthError('config_error', {
      detail: 'rateLimit: max must be a positive integer and windowMs a positive number of ms',
    })
  }
  const keyOf = options.clientKey ?? defaultClientKey(trustedProxies)
  const windows = new Map<string, Window>()
  return {
    take(request) {
      const key = keyOf(request)
      if (key === null) return
      const t = now()
      let window = windows.get(key)
      if (!window || t - window.startedAt >= windowMs) {
        windows.delete(key)
        window = { startedAt: t, count: 0 }
        windows.set(key, window)
        if (windows.size > MAX_CLIENTS) windows.delete(windows.keys().next().value as string)
      }
      window.count++
      if (window.count > max) {
        throw new DingTalkAuthError('rate_limited', { detail: 'too many login states from one client' })
      }
    },
  }
}
