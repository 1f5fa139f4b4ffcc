import type { IpRateLimit } from '../EmulatorOptions'

/** DingTalk's per-IP limit: too many calls in a window bans the IP for a while. */
export interface RateLimiter {
  /** Counts a call; true when the IP is (now) banned. */
  isBanned(ip: string): boolean
  clear(): void
}

export function createRateLimiter(now: () => number, limit: IpRateLimit | false): RateLimiter {
  const windows = new Map<string, { start: number; calls: number; bannedUntil: number }>()
  return {
    isBanned(ip) {
      if (!limit) return false
      const t = now()
      let w = windows.get(ip)
      if (!w || t - w.start >= limit.windowMs) {
        w = { start: t, calls: 0, bannedUntil: w?.bannedUntil ?? 0 }
        windows.set(ip, w)
      }
      if (t < w.bannedUntil) return true
      w.calls++
      if (w.calls > limit.calls) {
        w.bannedUntil = t + limit.banMs
        return true
      }
      return false
    },
    clear: () => windows.clear(),
  }
}
