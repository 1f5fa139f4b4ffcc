/** The default mount point of the HTTP routes. */
export const DEFAULT_BASE_PATH = '/api/auth/dingtalk'

/** `api//auth/dingtalk/` → `/api/auth/dingtalk`; `/` (the site root) stays `/`. */
export function normalizeBasePath(path: string): string {
  const trimmed = `/${path}`.replace(/\/+/g, '/').replace(/\/$/, '')
  return trimmed === '' ? '/' : trimmed
}

/**
 * The URL path of a route under a normalised base path: `/api/auth/dingtalk` + `/callback` →
 * `/api/auth/dingtalk/callback`, and `/` + `/callback` → `/callback` (never `//callback`, which DingTalk
 * compares with the registered redirect URL character by character, and which a browser reads as a host).
 */
export function routePath(basePath: string, route: `/${string}`): string {
  return basePath === '/' ? route : `${basePath}${route}`
}
