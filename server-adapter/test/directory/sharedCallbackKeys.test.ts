import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { createCallbackCrypto } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { toNodeHandler } from 'dingtalk-login-server/node'
import { defaultFixture } from 'dingtalk-emulator'
import { afterEach, expect, it } from 'vitest'
import {
  APP_A,
  APP_B,
  CORP_A,
  CORP_B,
  createRecordingLogger,
  createTestAuth,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { until } from '../support/until'

const TOKEN = 'sharedCallbackToken'
const AES_KEY = randomBytes(32).toString('base64').slice(0, 43)

let emu: RunningEmulator | undefined
let auth: DingTalkAuth | undefined
let server: Server | undefined

afterEach(async () => {
  await auth?.close()
  await emu?.close()
  if (server) await new Promise((resolve) => server!.close(resolve))
  emu = auth = server = undefined
})

/**
 * Two apps (of two corps) registered with the same callback URL, token and aesKey, as one top-level
 * `directory.callback` gives every instance; each app seals its pushes with its own AppKey as `$key`.
 */
async function startSharedKeys(): Promise<{ emu: RunningEmulator; auth: DingTalkAuth; lines: string[] }> {
  const late: { handle?: ReturnType<typeof toNodeHandler> } = {}
  server = createServer((req, res) => {
    if (late.handle) void late.handle(req, res)
    else res.writeHead(503).end()
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/dingtalk/events`
  const fixture = structuredClone(defaultFixture)
  for (const app of fixture.apps.filter((a) => a.clientId === APP_A || a.clientId === APP_B)) {
    app.callback = { url, token: TOKEN, aesKey: AES_KEY }
    app.stream = false
  }
  emu = await startTestEmulator({ fixture, callbacks: { checkOnStart: false, retryDelaysMs: [200, 500] } })
  const logger = createRecordingLogger()
  auth = await createTestAuth(emu, {
    clientIds: [APP_A, APP_B],
    logger,
    directory: { events: 'callback', callback: { token: TOKEN, aesKey: AES_KEY }, fullSyncEvery: false },
  })
  late.handle = toNodeHandler(auth)
  await auth.directory.sync()
  return { emu, auth, lines: logger.lines }
}

it('with one callback token and aesKey for two apps, takes the pushes of both, each into its own corp', async () => {
  const { emu, auth, lines } = await startSharedKeys()
  expect(await emu.callbacks.check(APP_A)).toMatchObject({ ok: true })
  // The second app's handshake, as the DingTalk console runs it when the URL is saved.
  expect(await emu.callbacks.check(APP_B)).toMatchObject({ ok: true })

  const inA = emu.hire({ corpId: CORP_A, name: '云栖新人', deptIds: [10] })
  const inB = emu.hire({ corpId: CORP_B, name: '星河新人', deptIds: [2] })
  const foundB = await until(
    () => auth.directory.findPerson({ corpId: CORP_B, dingUserId: inB.userid }),
    (p) => p?.person?.state === 'active',
  )
  expect(foundB?.person).toMatchObject({ corpId: CORP_B, name: '星河新人', state: 'active' })
  const foundA = await until(
    () => auth.directory.findPerson({ corpId: CORP_A, dingUserId: inA.userid }),
    (p) => p?.person?.state === 'active',
  )
  expect(foundA?.person).toMatchObject({ corpId: CORP_A, name: '云栖新人', state: 'active' })
  // Neither landed in the other corp.
  expect(await auth.directory.findPerson({ corpId: CORP_A, dingUserId: inB.userid })).toBeNull()
  expect(await auth.directory.findPerson({ corpId: CORP_B, dingUserId: inA.userid })).toBeNull()

  // Every push to either app was answered with the success sealed for that app: none left to retry or fail.
  for (const clientId of [APP_A, APP_B]) {
    const unacked = await until(
      async () =>
        emu
          .events(clientId)
          .flatMap((e) => e.deliveries)
          .filter((d) => d.clientId === clientId && d.status !== 'acked'),
      (list) => list.length === 0,
    )
    expect(unacked).toEqual([])
  }
  expect(lines.filter((line) => /^(warn|error)/.test(line))).toEqual([])
})

it('answers a check_url sealed for the second app with a success sealed for it; a foreign $key stays refused', async () => {
  const { auth } = await startSharedKeys()
  const forB = createCallbackCrypto(TOKEN, AES_KEY, APP_B)
  const encrypt = forB.encrypt(JSON.stringify({ EventType: 'check_url' }))
  const timestamp = String(Date.now())
  const nonce = 'n0nce'
  const result = await auth.directory.receiveCallback({
    signature: forB.sign(timestamp, nonce, encrypt),
    timestamp,
    nonce,
    encrypt,
  })
  expect(result.outcome).toBe('success')
  const answer = (result as Extract<typeof result, { outcome: 'success' }>).answer
  expect(forB.decrypt(answer.encrypt)).toBe('success')

  // Signed with the shared token but sealed for an app this server does not serve: no instance opens it.
  const other = createCallbackCrypto(TOKEN, AES_KEY, 'dingSomeOtherApp')
  const foreign = other.encrypt(JSON.stringify({ EventType: 'check_url' }))
  await expect(
    auth.directory.receiveCallback({
      signature: other.sign(timestamp, nonce, foreign),
      timestamp,
      nonce,
      encrypt: foreign,
    }),
  ).rejects.toMatchObject({ code: 'invalid_request' })
})
