/** The two families of DingTalk's server API: `api.dingtalk.com/v1.0` and `oapi.dingtalk.com`. */
export type Family = 'v1' | 'oapi'

/** The paths of DingTalk's login script, as the official sample and our loader ask for it. */
export const DDLOGIN_PATHS = new Set(['/ddlogin.js', '/dingding/h5-dingtalk-login/0.21.0/ddlogin.js'])

/** Which API family answers a path; `undefined` for the login pages, the script and the test API. */
export function familyOf(path: string): Family | undefined {
  if (path === '/v1.0' || path.startsWith('/v1.0/')) return 'v1'
  if (
    path.startsWith('/__emulator') ||
    DDLOGIN_PATHS.has(path) ||
    path === '/oauth2/auth' ||
    path === '/oauth2/challenge.htm'
  ) {
    return undefined
  }
  // Everything else is what api/oapi.dingtalk.com would answer (unknown paths get DingTalk's 404 envelope).
  return 'oapi'
}
