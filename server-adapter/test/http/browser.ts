/** Sends a request somewhere: `handler` directly, or `fetch` to a real server. */
export type Send = (request: Request) => Promise<Response>

/** Real `fetch`, never following redirects (the tests look at each 302). */
export const sendOverNetwork: Send = (request) => fetch(request, { redirect: 'manual' })

/**
 * A minimal browser for the tests: one cookie jar (name → value, Max-Age=0 deletes), an origin, and `fetch`-like
 * helpers. Cookies are sent back whatever their Path, which is at most as strict as a real browser for our routes.
 */
export class TestBrowser {
  readonly jar = new Map<string, string>()
  readonly setCookies: string[] = []

  constructor(
    readonly origin: string,
    readonly send: Send,
    readonly basePath = '/api/auth/dingtalk',
  ) {}

  /** An absolute URL as is, `/path` on the origin, `path` under the base path (`/` mounts at the root). */
  url(path: string): string {
    if (path.startsWith('http')) return path
    if (path.startsWith('/')) return `${this.origin}${path}`
    return `${this.origin}${this.basePath.replace(/\/+$/, '')}/${path}`
  }

  async request(
    path: string,
    init: RequestInit & { headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers }
    if (this.jar.size > 0 && !('cookie' in headers)) {
      headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    }
    const response = await this.send(
      new Request(this.url(path), { ...init, headers, duplex: 'half' } as RequestInit),
    )
    for (const line of response.headers.getSetCookie()) {
      this.setCookies.push(line)
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      if (/max-age=0/i.test(line)) this.jar.delete(name)
      else this.jar.set(name, pair.slice(eq + 1).trim())
    }
    return response
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { method: 'GET', headers })
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.origin, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  }
}

/** The `{ error }` body of a failed response, with its status. */
export async function errorOf(
  response: Response,
): Promise<{ status: number; code: string; message: string; field?: string }> {
  const body = (await response.json()) as { error: { code: string; message: string; field?: string } }
  return { status: response.status, ...body.error }
}
