const WILDCARD_PORT = /^(https?):\/\/([^/?#]+):\*(\/[^?#]*)?(?:[?#].*)?$/i

function parse(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

/**
 * Whether `redirectUri` matches one of an app's registered redirect URLs: same origin and path, query ignored.
 * Emulator-only extension: an entry with a `*` port (`http://127.0.0.1:*` then `/api/auth/dingtalk/callback`) matches that
 * scheme, host and path on any port, so tests and demos on random ports need no fixture change.
 */
export function isRegisteredRedirectUri(redirectUri: string, registered: readonly string[]): boolean {
  const candidate = parse(redirectUri)
  if (!candidate || (candidate.protocol !== 'http:' && candidate.protocol !== 'https:')) return false
  return registered.some((entry) => {
    const wildcard = WILDCARD_PORT.exec(entry)
    if (wildcard) {
      const base = parse(`${wildcard[1]}://${wildcard[2]}${wildcard[3] ?? '/'}`)
      return (
        base !== undefined &&
        base.protocol === candidate.protocol &&
        base.hostname === candidate.hostname &&
        base.pathname === candidate.pathname
      )
    }
    const exact = parse(entry)
    return exact !== undefined && exact.origin === candidate.origin && exact.pathname === candidate.pathname
  })
}
