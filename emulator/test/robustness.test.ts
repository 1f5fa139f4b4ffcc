import { request } from 'node:http'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emulator, yunqiApp } from './helpers'

const PATHS = [
  '/v1.0/oauth2/accessToken',
  '/v1.0/oauth2/userAccessToken',
  '/v1.0/oauth2/ding14baf2538452a2d9d39123d5899249cb/token',
  '/v1.0/contact/users/me',
  '/v1.0/contact/users/%E0%A4%A',
  '/gettoken',
  '/topapi/v2/user/getuserinfo',
  '/topapi/user/getbyunionid',
  '/topapi/v2/user/get',
  '/user/getuserinfo',
  '/__emulator/oauth-code',
  '/__emulator/free-login-code',
  '/__emulator/scan',
  '/__emulator/faults',
  '/__emulator/clock',
  '/oauth2/auth',
  '/',
]

const BODIES = fc.oneof(
  fc.constant(''),
  fc.constant('{'),
  fc.constant('null'),
  fc.constant('[]'),
  fc.constant('"str"'),
  fc.constant(`{"appKey":"${yunqiApp.clientId}","appSecret":{"x":1}}`),
  fc.constant('{"clientId":[],"code":{},"grantType":1,"refreshToken":null}'),
  fc.constant('{"code":123,"unionid":true,"userid":["a"],"access_token":5}'),
  fc.constant('{"corpId":{},"userid":1,"clientId":false,"approve":"x","advanceMs":"1e400","kind":1}'),
  fc.constant('access_token=%ZZ&code=%&&='),
  fc.string(),
  fc.json(),
)

function raw(url: string, method: string, path: string, contentType: string | undefined, body: string) {
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(body)) }
    if (contentType) headers['content-type'] = contentType
    const req = request({ hostname, port, method, path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }),
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('bad input never crashes the emulator', () => {
  it('answers random methods, content types and bodies in DingTalk formats, never an HTML 500', async () => {
    const e = await emulator({ ipRateLimit: false })
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.constantFrom(...PATHS),
        fc.constantFrom(
          undefined,
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
        ),
        BODIES,
        fc.constantFrom('', '?access_token=x', '?appkey=&appsecret=', '?code=%', '?iframe=true&client_id=x'),
        async (method, path, contentType, body, query) => {
          const res = await raw(e.url, method, path + query, contentType, body)
          expect(res.status).toBeGreaterThanOrEqual(200)
          if (res.type.startsWith('text/html')) {
            expect(res.status).toBeLessThan(500)
            return
          }
          if (path.startsWith('/__emulator') && method === 'OPTIONS') return
          const json = JSON.parse(res.text) as Record<string, unknown>
          if (res.status >= 500) {
            // The one documented 5xx: a bogus corpId on /{corpId}/token answers unknownError.
            expect(json.code).toBe('unknownError')
          }
        },
      ),
      { numRuns: 400 },
    )
    // Still alive and well. The runs may have set a fault for every endpoint (a `POST /__emulator/faults` whose
    // form body reads `code=%`, as documented), and moved the clock: what is left is the emulator itself.
    e.reset()
    const ok = await fetch(`${e.url}/gettoken?appkey=${yunqiApp.clientId}&appsecret=${yunqiApp.clientSecret}`)
    const okText = await ok.text()
    expect(okText).toContain('"errcode":0')
  })

  it('survives a malformed HTTP request line and an oversized body', async () => {
    const e = await emulator()
    const { hostname, port } = new URL(e.url)
    const net = await import('node:net')
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => socket.write('BOGUS\r\n\r\n'))
      let data = ''
      socket.on('data', (c) => (data += c))
      socket.on('close', () => resolve(data))
      socket.on('error', () => resolve(data))
    })
    expect(reply).toMatch(/^HTTP\/1\.1 400/)
    const big = await raw(
      e.url,
      'POST',
      '/v1.0/oauth2/accessToken',
      'application/json',
      `{"appKey":"${'x'.repeat(1_100_000)}"}`,
    )
    expect(big.status).toBe(413)
    expect(JSON.parse(big.text)).toMatchObject({ code: 'RequestEntityTooLarge' })
  })
})
