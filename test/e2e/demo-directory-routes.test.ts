import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'
import { createDingTalkAuth } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDirectoryRoutes } from '../../demo/server/createDirectoryRoutes'
import { createOrgChanges } from '../../demo/server/createOrgChanges'

// The demo's Leave button makes a person leave the emulator's organisation. Another site open in the same browser
// must not be able to press it: its form or `text/plain` fetch is refused, and a preflight gets no CORS answer.
describe('demo directory routes against a foreign site', () => {
  let emulator: RunningEmulator
  let auth: DingTalkAuth
  let server: Server
  let base: string
  const app = () => emulator.fixture.apps[0]!
  const member = () => {
    const corpId = app().corpId
    const user = emulator.fixture.users.find((u) =>
      u.memberships.some((m) => m.corpId === corpId && m.active),
    )!
    return { corpId, userid: user.memberships.find((m) => m.corpId === corpId)!.userid }
  }
  const isMember = ({ corpId, userid }: { corpId: string; userid: string }) =>
    emulator.fixture.users.some((u) => u.memberships.some((m) => m.corpId === corpId && m.userid === userid))

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    const { clientId, clientSecret, agentId, corpId } = app()
    auth = await createDingTalkAuth({
      instances: [
        { name: 'demo', authConfig: { appKey: clientId, appSecret: clientSecret, agentId, corpId } },
      ],
      store: 'memory',
      dingtalk: { apiBase: emulator.url, oapiBase: emulator.url, loginBase: emulator.url },
    })
    const routes = createDirectoryRoutes({
      auth,
      corps: [{ corpId, name: 'corp', instance: 'demo', appName: 'app' }],
      sync: null,
      orgChanges: createOrgChanges(emulator),
    })
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://demo.invalid')
      void routes(req, res, url).then((answered) => {
        if (!answered) res.writeHead(404).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/demo/directory`
  })
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve))
    await auth?.close()
    await emulator?.close()
  })

  it('POST /leave as text/plain (what a foreign form or simple fetch can send) is 415 and nobody leaves', async () => {
    const person = member()
    const response = await fetch(`${base}/leave`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: JSON.stringify(person),
    })
    expect(response.status).toBe(415)
    expect(await response.json()).toEqual({
      error: { code: 'unsupported_media_type', message: 'send the body as application/json' },
    })
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(isMember(person)).toBe(true)
  })

  it('OPTIONS (a preflight for application/json) gets no CORS headers, so the browser never sends the POST', async () => {
    const response = await fetch(`${base}/leave`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(response.status).toBeGreaterThanOrEqual(400)
    const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'))
    expect(cors).toEqual([])
  })

  it('the page itself (same origin, application/json) does make the person leave', async () => {
    const person = member()
    const response = await fetch(`${base}/leave`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(person),
    })
    expect(response.status).toBe(200)
    expect(isMember(person)).toBe(false)
  })
})
