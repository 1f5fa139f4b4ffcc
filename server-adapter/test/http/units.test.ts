import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createMemoryStateStore, createSessionManager } from 'dingtalk-login-server'
import { parseCookies, serializeCookie } from '../../src/http/cookies'
import { readJsonBody } from '../../src/http/readJsonBody'
import { resolveReturnTo } from '../../src/http/returnTo'

const SECRET = 'a'.repeat(32)
const OLD_SECRET = 'b'.repeat(40)

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return (error as { code: string }).code
  }
  return 'no error'
}

describe('sessions', () => {
  const claims = { userId: 'u1', bindingId: 'b1', corpId: 'ding1', instance: 'main' }
  const person = { unionId: 'union1', dingUserId: 'd1' }
  const stateStore = createMemoryStateStore()

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createSessionManager({ secret: 'short', stateStore })).toThrow(
      /at least 32 bytes.*found 5 bytes/s,
    )
    expect(() =>
      createSessionManager({ secret: SECRET, previousSecrets: ['x'.repeat(31)], stateStore }),
    ).toThrow(/previousSecrets\[0\]/)
  })

  it('issues a token that verifies to its claims and expires', async () => {
    let t = 1_700_000_000_000
    const sessions = createSessionManager({ secret: SECRET, maxAgeSeconds: 60, stateStore, now: () => t })
    const { token, claims: issued } = await sessions.issue(claims, person)
    expect(await sessions.verify(token)).toEqual(issued)
    expect(issued).toMatchObject({ ...claims, expiresAt: 1_700_000_060 })
    t += 61_000
    expect(await sessions.verify(token)).toBeNull()
  })

  it('keeps tokens of a previous secret valid after a rotation, and no others', async () => {
    const before = createSessionManager({ secret: OLD_SECRET, stateStore })
    const { token } = await before.issue(claims, person)
    const after = createSessionManager({ secret: SECRET, previousSecrets: [OLD_SECRET], stateStore })
    expect((await after.verify(token))?.userId).toBe('u1')
    const dropped = createSessionManager({ secret: SECRET, stateStore })
    expect(await dropped.verify(token)).toBeNull()
  })

  it('refuses tampered, unsigned and foreign tokens', async () => {
    const sessions = createSessionManager({ secret: SECRET, stateStore })
    const { token } = await sessions.issue(claims, person)
    const [h, p, s] = token.split('.') as [string, string, string]
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url')
    expect(await sessions.verify(`${h}.${forged}.${s}`)).toBeNull()
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    expect(await sessions.verify(`${none}.${p}.`)).toBeNull()
    const otherApp = await new SignJWT({ ...payload, iss: 'other-app', aud: 'other-app' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET))
    expect(await sessions.verify(otherApp)).toBeNull()
    expect(await sessions.verify('not.a.jwt')).toBeNull()
  })
})

describe('cookies', () => {
  it('round-trips and keeps the first of duplicate names', () => {
    const set = serializeCookie('dingtalk_session', 'abc.def', { path: '/', maxAge: 60, secure: true })
    expect(set).toBe('dingtalk_session=abc.def; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax')
    expect(parseCookies('a=1; dingtalk_session=abc.def; a=2').get('a')).toBe('1')
    expect(serializeCookie('s', '', { path: '/x', maxAge: 0, secure: false })).toContain(
      'Max-Age=0; Expires=',
    )
    expect(() => serializeCookie('s', 'a;b', { path: '/', maxAge: 1, secure: false })).toThrow()
  })
})

describe('readJsonBody', () => {
  const post = (body: BodyInit | null, headers: Record<string, string>) =>
    new Request('http://127.0.0.1/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)

  it('accepts a JSON object, with or without a charset', async () => {
    expect(
      await readJsonBody(post('{"a":1}', { 'content-type': 'application/json; charset=utf-8' })),
    ).toEqual({
      a: 1,
    })
  })

  it('refuses other media types, malformed JSON and non-objects', async () => {
    expect(
      await codeOf(readJsonBody(post('a=1', { 'content-type': 'application/x-www-form-urlencoded' }))),
    ).toBe('unsupported_media_type')
    expect(await codeOf(readJsonBody(post('{"a":1}', {})))).toBe('unsupported_media_type')
    expect(await codeOf(readJsonBody(post('{"a":', { 'content-type': 'application/json' })))).toBe(
      'invalid_request',
    )
    expect(await codeOf(readJsonBody(post('[1]', { 'content-type': 'application/json' })))).toBe(
      'invalid_request',
    )
  })

  it('refuses an oversized body by its Content-Length without reading any of it', async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(new Uint8Array(1024))
      },
    })
    const request = post(stream, { 'content-type': 'application/json', 'content-length': '1048576' })
    expect(await codeOf(readJsonBody(request))).toBe('payload_too_large')
    expect(pulled).toBeLessThanOrEqual(1) // a stream may pre-pull one chunk on creation; nothing is read past it
  })

  it('stops reading a chunked body at the first chunk over 16 KB', async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++
          controller.enqueue(new Uint8Array(4096).fill(0x20))
        },
      },
      { highWaterMark: 0 },
    )
    expect(await codeOf(readJsonBody(post(stream, { 'content-type': 'application/json' })))).toBe(
      'payload_too_large',
    )
    expect(pulled).toBe(5) // 5 × 4 KB is the first read over 16 KB; the endless rest is never pulled
  })

  it('runs the header checks before reading', async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++
          controller.close()
        },
      },
      { highWaterMark: 0 },
    )
    const check = () => {
      throw Object.assign(new Error('origin'), { code: 'invalid_request' })
    }
    expect(
      await codeOf(readJsonBody(post(stream, { 'content-type': 'application/json' }), { beforeRead: check })),
    ).toBe('invalid_request')
    expect(pulled).toBe(0)
  })
})

describe('returnTo', () => {
  const own = 'https://app.example.com'

  it('allows own paths under the allowed prefixes and listed absolute prefixes', () => {
    expect(resolveReturnTo(null, own, ['/'])).toBe('https://app.example.com/')
    expect(resolveReturnTo('/dash?tab=1#x', own, ['/'])).toBe('https://app.example.com/dash?tab=1#x')
    expect(resolveReturnTo('/admin/users', own, ['/admin'])).toBe('https://app.example.com/admin/users')
    expect(resolveReturnTo('https://admin.example.com/x', own, ['/', 'https://admin.example.com/'])).toBe(
      'https://admin.example.com/x',
    )
  })

  it.each([
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'https://app.example.com.evil.example/',
    'javascript:alert(1)',
    'https://user@app.example.com/',
    '/\t/evil.example',
    'http://app.example.com/', // another scheme is another origin
  ])('refuses %s', (raw) => {
    expect(() => resolveReturnTo(raw, own, ['/'])).toThrow(/returnTo/)
  })

  it('matches path prefixes by whole segments', () => {
    expect(() => resolveReturnTo('/administrator', own, ['/admin'])).toThrow(/not in the allowed list/)
    expect(() => resolveReturnTo('/', own, ['/admin'])).toThrow(/not in the allowed list/)
  })
})
