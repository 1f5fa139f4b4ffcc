import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterEach, expect, it } from 'vitest'
import { APP_A, createTestAuth, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

let emu: RunningEmulator | undefined
let auth: DingTalkAuth | undefined

afterEach(async () => {
  await auth?.close().catch(() => undefined)
  auth = undefined
  await emu?.close()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function stopTakes(target: DingTalkAuth): Promise<number> {
  const started = Date.now()
  await target.directory.stop()
  return Date.now() - started
}

it('stop() during a Stream connect ends the ticket request and opens no socket afterwards', async () => {
  emu = await startTestEmulator()
  // The gateway's ticket answer is slow: stop() arrives while it is in flight.
  emu.addFault({ endpoint: 'POST /v1.0/gateway/connections/open', latencyMs: 5_000 })
  const ticketSignals: AbortSignal[] = []
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    directory: { events: 'stream', fullSyncEvery: false, leaveRecordsEvery: false },
    fetch: (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/gateway/connections/open'))
        ticketSignals.push(init!.signal!)
      return fetch(input, init)
    },
  })
  await auth.directory.start()
  for (let waited = 0; ticketSignals.length === 0 && waited < 2_000; waited += 10) await sleep(10)
  expect(ticketSignals).toHaveLength(1)
  // Well before the 5 s answer (a margin for a loaded machine, not a speed figure).
  expect(await stopTakes(auth)).toBeLessThan(2_500)
  expect(ticketSignals[0]!.aborted).toBe(true)
  // Past the slow answer: no connection ever reaches the gateway.
  const deadline = Date.now() + 1_500
  while (Date.now() < deadline) {
    expect(emu.stream.connections(APP_A)).toHaveLength(0)
    await sleep(5)
  }
  expect(auth.directory.status()[0]).toMatchObject({ leader: false, streamConnected: false })
})

it('stop() during a slow scheduled crawl ends the crawl instead of waiting for it', async () => {
  emu = await startTestEmulator()
  // Every people list takes 8 s: the crawl runs well past stop().
  emu.addFault({ endpoint: 'POST /topapi/v2/user/list', latencyMs: 8_000 })
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    dingtalk: { timeoutMs: 20_000 },
    directory: { events: 'none', fullSyncEvery: '24h', leaveRecordsEvery: false },
  })
  await auth.directory.start()
  const attemptKey = `directory:last-sync-attempt:${emu.fixture.apps.find((a) => a.clientId === APP_A)!.corpId}`
  for (let waited = 0; (await auth.stateStore.get(attemptKey)) === null && waited < 3_000; waited += 20)
    await sleep(20)
  expect(await auth.stateStore.get(attemptKey)).not.toBeNull()
  expect(await stopTakes(auth)).toBeLessThan(4_000)
  expect(auth.directory.status()[0]!.leader).toBe(false)
  // A crawl cut short by a restart says nothing about DingTalk: the next leader crawls at once, not in an hour.
  expect(await auth.stateStore.get(attemptKey)).toBeNull()
})
