import { DEFAULT_ENDPOINT } from './createDingTalkLoginClient'

/** Options of {@link getAuthorizeUrl}. */
export interface AuthorizeUrlOptions {
  /**
   * Base URL of the backend's DingTalk routes.
   * @default '/api/auth/dingtalk'
   */
  endpoint?: string
  /**
   * Where the backend sends the browser after the login: a path on the app's origin (or a URL the server's
   * `allowedReturnTo` lists).
   * @default the server's default, '/'
   */
  returnTo?: string
  /** Tenant hint for a backend that serves several corps. */
  corpId?: string
  /** Name of the login instance on a backend with several. */
  instance?: string
}

/**
 * The URL of the full-page redirect login, `GET {endpoint}/authorize?returnTo=…`: the backend sends the browser on
 * to DingTalk's login page, takes the code at its callback, starts the session and redirects to `returnTo`.
 */
export function getAuthorizeUrl({
  endpoint = DEFAULT_ENDPOINT,
  returnTo,
  corpId,
  instance,
}: AuthorizeUrlOptions = {}): string {
  const query = new URLSearchParams()
  if (returnTo) query.set('returnTo', returnTo)
  if (corpId) query.set('corpId', corpId)
  if (instance) query.set('instance', instance)
  const search = query.toString()
  return `${endpoint.replace(/\/+$/, '')}/authorize${search ? `?${search}` : ''}`
}
