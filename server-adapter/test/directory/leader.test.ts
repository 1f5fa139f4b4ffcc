import { createMemoryStateStore } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'
import { afterEach, expect, it } from 'vitest'
import { APP_A, CORP_A, createTestAuth, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'

let emu: RunningEmulator | undefined
const auths: DingTalkAuth[] = []

afterEach(async () => {
  for (const auth of auths.splice(0)) await auth.close()
  await emu?.close()
})

async function until(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
  return check()
}

it('keeps one leader per app among processes sharing a state store, and hands over when it stops', async () => {
  emu = await startTestEmulator()
  // One state store shared as a deployment shares Redis: the lease lives there.
  const stateStore = createMemoryStateStore()
  for (let i = 0; i < 3; i++) {
    const auth = await createTestAuth(emu, {
      clientIds: [APP_A],
      stateStore,
      directory: { events: 'stream', fullSyncEvery: false, leaveRecordsEvery: false },
    })
    auths.push(auth)
    await auth.directory.start()
  }
  const leaders = () => auths.filter((auth) => auth.directory.status()[0]!.leader)
  expect(
    await until(() => leaders().length === 1 && leaders()[0]!.directory.status()[0]!.streamConnected),
  ).toBe(true)
  expect(auths.filter((auth) => auth.directory.status()[0]!.streamConnected)).toHaveLength(1)
  expect(emu.stream.connections(APP_A)).toHaveLength(1)

  const first = leaders()[0]!
  await first.directory.stop()
  expect(
    await until(() => {
      const now = leaders()
      return now.length === 1 && now[0] !== first && now[0]!.directory.status()[0]!.streamConnected
    }),
  ).toBe(true)
  // The new leader applies events: a new department reaches the store.
  const { deptId } = emu.createDepartment({ corpId: CORP_A, name: '接班部' })
  const next = leaders()[0]!
  let found = false
  const deadline = Date.now() + 5_000
  while (!found && Date.now() < deadline) {
    found = (await next.directory.departments(CORP_A)).some((d) => d.deptId === deptId)
    if (!found) await new Promise((r) => setTimeout(r, 25))
  }
  expect(found).toBe(true)
})
