import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDingTalkAuth } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { toNextJsHandler } from 'dingtalk-login-server/next'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { APP_A, APP_B, createRecordingLogger, instancesFor, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { SECRET, qrAndWorkbenchRoundTrip } from './scenario'

let emu: RunningEmulator
let dir: string
const created: DingTalkAuth[] = []
beforeAll(async () => {
  emu = await startTestEmulator()
  dir = mkdtempSync(join(tmpdir(), 'dingtalk-next-lazy-'))
})
afterAll(async () => {
  for (const auth of created) await auth.close()
  rmSync(dir, { recursive: true, force: true })
  await emu.close()
})

const createAuth = (sqliteFile: string) => async () => {
  const auth = await createDingTalkAuth({
    instances: instancesFor(emu, [APP_A, APP_B]),
    store: `sqlite:${sqliteFile}`,
    session: { secret: SECRET },
    http: { defaultInstance: instancesFor(emu, [APP_A])[0]!.name },
    logger: createRecordingLogger(),
    dingtalk: { apiBase: emu.url, oapiBase: emu.url, loginBase: emu.url },
  })
  created.push(auth)
  return auth
}

describe('toNextJsHandler(() => createDingTalkAuth(…)): created on the first request, not at import', () => {
  it('creates nothing until a request comes, then one auth for all requests, and logs in', async () => {
    const file = join(dir, 'lazy', 'login.sqlite')
    const factory = vi.fn(createAuth(file))
    // What `next build` does: import the route module, i.e. evaluate this line, and collect its exports.
    const { GET, POST, OPTIONS } = toNextJsHandler(factory)
    expect(typeof OPTIONS).toBe('function')
    expect(factory).not.toHaveBeenCalled()
    expect(existsSync(file)).toBe(false)

    const send = (request: Request) => (request.method === 'GET' ? GET(request) : POST(request))
    const [first, second] = await Promise.all([
      GET(new Request('http://localhost:3000/api/auth/dingtalk/session')),
      GET(new Request('http://localhost:3000/api/auth/dingtalk/session')),
    ])
    expect([first.status, second.status]).toEqual([401, 401])
    expect(factory).toHaveBeenCalledTimes(1)
    expect(existsSync(file)).toBe(true)
    await qrAndWorkbenchRoundTrip(emu, 'http://localhost:3000', send)
    expect(factory).toHaveBeenCalledTimes(1)
  })

  it('a failed creation answers config_error as JSON (no detail leaks) and is tried again', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    let attempts = 0
    const { GET } = toNextJsHandler(async () => {
      attempts++
      if (attempts === 1) return createDingTalkAuth({ instances: [], store: 'memory' })
      return createAuth(join(dir, 'retry.sqlite'))()
    })
    const failed = await GET(new Request('http://localhost:3000/api/auth/dingtalk/session'))
    expect(failed.status).toBe(500)
    const body = (await failed.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('config_error')
    expect(JSON.stringify(body)).not.toContain('instances')
    expect(errors.mock.calls.join(' ')).toContain('at least one instance')
    errors.mockRestore()

    const recovered = await GET(new Request('http://localhost:3000/api/auth/dingtalk/session'))
    expect(recovered.status).toBe(401)
    expect(attempts).toBe(2)
  })
})
