import { createAccessToken } from '../ids'

/** Which endpoint family issued an app token: v1.0 `accessToken` or oapi `gettoken`. */
export type TokenSource = 'v1' | 'oapi'

export interface AppToken {
  kind: 'app'
  token: string
  clientId: string
  source: TokenSource
  expiresAt: number
}

export interface UserToken {
  kind: 'user'
  token: string
  clientId: string
  unionId: string
  corpId: string | undefined
  scope: string
  expiresAt: number
}

export interface RefreshToken {
  token: string
  clientId: string
  unionId: string
  corpId: string | undefined
  scope: string
  expiresAt: number
}

export interface TokenStore {
  /** The app's current token (renewed) or a new one: DingTalk returns the same token while it is valid. */
  issueAppToken(clientId: string, source: TokenSource, ttlMs: number): AppToken
  /** Same semantics for user tokens, keyed by app + user + corp. Returns the access and the refresh token. */
  issueUserToken(
    grant: Omit<UserToken, 'kind' | 'token' | 'expiresAt'>,
    ttlMs: number,
    refreshTtlMs: number,
    rotateRefresh: boolean,
  ): { access: UserToken; refresh: RefreshToken }
  findToken(token: unknown): AppToken | UserToken | undefined
  findRefreshToken(token: unknown, clientId: string): RefreshToken | undefined
  clear(): void
}

/**
 * @param shareAppTokens - one app token per app for both families (`legacyTokenInV1`), else one per family.
 */
export function createTokenStore(now: () => number, shareAppTokens: boolean): TokenStore {
  const tokens = new Map<string, AppToken | UserToken>()
  const currentApp = new Map<string, AppToken>()
  const currentUser = new Map<string, { access: UserToken; refresh: RefreshToken }>()
  const refreshTokens = new Map<string, RefreshToken>()
  const live = (t: { expiresAt: number } | undefined) => t !== undefined && now() < t.expiresAt
  return {
    issueAppToken(clientId, source, ttlMs) {
      const key = shareAppTokens ? clientId : `${source}\n${clientId}`
      const current = currentApp.get(key)
      if (current && live(current)) {
        current.expiresAt = now() + ttlMs
        return current
      }
      if (current) tokens.delete(current.token)
      const token: AppToken = {
        kind: 'app',
        token: createAccessToken(),
        clientId,
        source,
        expiresAt: now() + ttlMs,
      }
      tokens.set(token.token, token)
      currentApp.set(key, token)
      return token
    },
    issueUserToken(grant, ttlMs, refreshTtlMs, rotateRefresh) {
      const key = `${grant.clientId}\n${grant.unionId}\n${grant.corpId ?? ''}`
      const current = currentUser.get(key)
      let access: UserToken
      if (current && live(current.access)) {
        access = current.access
        access.expiresAt = now() + ttlMs
      } else {
        if (current) tokens.delete(current.access.token)
        access = { kind: 'user', token: createAccessToken(), ...grant, expiresAt: now() + ttlMs }
        tokens.set(access.token, access)
      }
      let refresh: RefreshToken
      if (current && live(current.refresh) && !rotateRefresh) {
        refresh = current.refresh
        refresh.expiresAt = now() + refreshTtlMs
      } else {
        if (current) refreshTokens.delete(current.refresh.token)
        refresh = { token: createAccessToken(), ...grant, expiresAt: now() + refreshTtlMs }
        refreshTokens.set(refresh.token, refresh)
      }
      currentUser.set(key, { access, refresh })
      return { access, refresh }
    },
    findToken(token) {
      if (typeof token !== 'string') return undefined
      const found = tokens.get(token)
      return live(found) ? found : undefined
    },
    findRefreshToken(token, clientId) {
      if (typeof token !== 'string') return undefined
      const found = refreshTokens.get(token)
      return live(found) && found?.clientId === clientId ? found : undefined
    },
    clear() {
      tokens.clear()
      currentApp.clear()
      currentUser.clear()
      refreshTokens.clear()
    },
  }
}
