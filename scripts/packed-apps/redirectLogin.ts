/** Cookies of one client, as a browser would keep them for one origin. */
class CookieJar {
  readonly #cookies = new Map<string, string>()

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      if (at > 0) this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

async function get(url: string, jar: CookieJar | undefined): Promise<Response> {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: jar ? { cookie: jar.header() } : {},
    signal: AbortSignal.timeout(60_000),
  })
  jar?.take(response)
  return response
}

function expectRedirect(response: Response, what: string): string {
  const location = response.headers.get('location')
  if (response.status < 300 || response.status >= 400 || !location) {
    throw new Error(`${what}: expected a redirect, got HTTP ${response.status}`)
  }
  return location
}

/**
 * A full-page login over HTTP, as a browser does it: `GET /authorize` → DingTalk's login page (the emulator with
 * `autoLogin` approves at once) → `GET /callback` → session cookie → `GET /session`. Answers the signed-in name.
 */
export async function redirectLogin(appOrigin: string, basePath = '/api/auth/dingtalk'): Promise<string> {
  const jar = new CookieJar()
  const toLoginPage = expectRedirect(
    await get(`${appOrigin}${basePath}/authorize?returnTo=/`, jar),
    'GET /authorize',
  )
  const toCallback = expectRedirect(await get(toLoginPage, undefined), "DingTalk's login page")
  if (!toCallback.startsWith(`${appOrigin}${basePath}/callback`)) {
    throw new Error(`the login page sent the browser to ${new URL(toCallback).origin}, not back to the app`)
  }
  const home = expectRedirect(await get(toCallback, jar), 'GET /callback')
  if (new URL(home, appOrigin).pathname !== '/')
    throw new Error(`GET /callback redirected to ${home}, not to /`)
  const session = await get(`${appOrigin}${basePath}/session`, jar)
  if (session.status !== 200) throw new Error(`GET /session after the login answered HTTP ${session.status}`)
  const body = (await session.json()) as { user?: { name?: string } }
  if (!body.user?.name) throw new Error('GET /session answered no user name')
  return body.user.name
}
