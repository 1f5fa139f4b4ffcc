import { createMemoryStateStore } from 'dingtalk-login-server'
import type { DingTalkAuth, StateStore } from 'dingtalk-login-server'
import { afterEach, expect, it } from 'vitest'
import { APP_A, CORP_A, calls, createTestAuth, markCalls, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { until } from '../support/until'

let emu: RunningEmulator | undefined
const auths: DingTalkAuth[] = []

afterEach(async () => {
  for (const auth of auths.splice(0)) await auth.close().catch(() => undefined)
  await emu?.close()
})

/** Several processes of one app sharing a state store, as a deployment shares Redis: the lease lives there. */
async function startProcesses(
  count: number,
  stateStoreOf: (index: number) => StateStore,
  leader = { lease: '600ms', renewEvery: '100ms' },
): Promise<DingTalkAuth[]> {
  emu = await startTestEmulator()
  for (let i = 0; i < count; i++) {
    const auth = await createTestAuth(emu, {
      clientIds: [APP_A],
      stateStore: stateStoreOf(i),
      directory: {
        events: 'stream',
        fullSyncEvery: false,
        leaveRecordsEvery: false,
        leader,
        stream: { reconnectMin: '10ms', reconnectMax: '50ms' },
      },
    })
    auths.push(auth)
    await auth.directory.start()
  }
  return auths
}

const leaders = () => auths.filter((auth) => auth.directory.status()[0]!.leader)
const connected = (auth: DingTalkAuth) => auth.directory.status()[0]!.streamConnected

it('keeps one leader per app among processes sharing a state store, and hands over when it stops', async () => {
  const stateStore = createMemoryStateStore()
  await startProcesses(3, () => stateStore)
  expect(await until(() => leaders().length === 1 && connected(leaders()[0]!))).toBe(true)
  expect(auths.filter(connected)).toHaveLength(1)
  expect(emu!.stream.connections(APP_A)).toHaveLength(1)

  const first = leaders()[0]!
  await first.directory.stop()
  expect(
    await until(() => {
      const now = leaders()
      return now.length === 1 && now[0] !== first && connected(now[0]!)
    }),
  ).toBe(true)
  // The new leader applies events: a new department reaches the store.
  const { deptId } = emu!.createDepartment({ corpId: CORP_A, name: '接班部' })
  const next = leaders()[0]!
  let found = false
  const deadline = Date.now() + 5_000
  while (!found && Date.now() < deadline) {
    found = (await next.directory.departments(CORP_A)).some((d) => d.deptId === deptId)
    if (!found) await new Promise((r) => setTimeout(r, 25))
  }
  expect(found).toBe(true)
})

it('hands the lease over within leader.lease when the leader loses the state store, and the old one steps down', async () => {
  const shared = createMemoryStateStore()
  let severed = false
  // The first process reaches the shared store through a link the test can cut (a network partition).
  const cut = <T>(call: () => T): T => {
    if (severed) throw new Error('the state store is unreachable')
    return call()
  }
  const partitioned: StateStore = {
    set: (key, value, ttlMs, mode) => cut(() => shared.set(key, value, ttlMs, mode)),
    get: (key) => cut(() => shared.get(key)),
    take: (key) => cut(() => shared.take(key)),
    delete: (key, expected) => cut(() => shared.delete(key, expected)),
    extend: (key, expected, ttlMs) => cut(() => shared.extend(key, expected, ttlMs)),
    addToSet: (key, member, ttlMs) => cut(() => shared.addToSet(key, member, ttlMs)),
    setMembers: (key) => cut(() => shared.setMembers(key)),
    removeFromSet: (key, member) => cut(() => shared.removeFromSet(key, member)),
  }
  const [first, second] = await startProcesses(2, (index) => (index === 0 ? partitioned : shared))
  expect(await until(() => leaders().length === 1 && connected(leaders()[0]!))).toBe(true)
  expect(leaders()[0]).toBe(first)

  severed = true
  const cutAt = Date.now()
  expect(await until(() => connected(second!) && !connected(first!), Boolean, 5_000)).toBe(true)
  // The lease is 600 ms, renewed every 100 ms: the handover takes about that, not the default 15 s.
  expect(Date.now() - cutAt).toBeLessThan(2_500)
  expect(leaders()).toEqual([second])
  expect(await until(() => emu!.stream.connections(APP_A).length === 1)).toBe(true)
})

it("closes a leader's Stream connection when its lease ends, even while its rounds hang on the state store", async () => {
  const shared = createMemoryStateStore()
  let stalled: Promise<void> | null = null
  let resume = () => {}
  // A state store that stops answering (neither fails nor succeeds) while `stalled` is set, then carries on.
  const stall = async <T>(call: () => T | PromiseLike<T>): Promise<T> => {
    if (stalled) await stalled
    return call()
  }
  const hanging: StateStore = {
    set: (key, value, ttlMs, mode) => stall(() => shared.set(key, value, ttlMs, mode)),
    get: (key) => stall(() => shared.get(key)),
    take: (key) => stall(() => shared.take(key)),
    delete: (key, expected) => stall(() => shared.delete(key, expected)),
    extend: (key, expected, ttlMs) => stall(() => shared.extend(key, expected, ttlMs)),
    addToSet: (key, member, ttlMs) => stall(() => shared.addToSet(key, member, ttlMs)),
    setMembers: (key) => stall(() => shared.setMembers(key)),
    removeFromSet: (key, member) => stall(() => shared.removeFromSet(key, member)),
  }
  const [only] = await startProcesses(1, () => hanging)
  expect(await until(() => connected(only!))).toBe(true)

  stalled = new Promise((resolve) => (resume = resolve))
  const stalledAt = Date.now()
  try {
    // No round completes any more; the 600 ms lease still ends, and with it the connection.
    expect(await until(() => !connected(only!), Boolean, 3_000)).toBe(true)
    expect(Date.now() - stalledAt).toBeLessThan(1_500)
    expect(only!.directory.status()[0]!.leader).toBe(false)
    expect(await until(() => emu!.stream.connections(APP_A).length === 0, Boolean, 2_000)).toBe(true)
  } finally {
    stalled = null
    resume()
  }
})

it('does not crawl again every round when the scheduled crawl keeps coming back incomplete', async () => {
  emu = await startTestEmulator()
  // Every department's children stay unreadable: each crawl comes back incomplete, for a lasting cause.
  emu.addFault({ endpoint: 'POST /topapi/v2/department/listsub', kind: 'ipWhitelist' })
  const auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    directory: {
      events: 'none',
      fullSyncEvery: '24h',
      leaveRecordsEvery: false,
      leader: { lease: '300ms', renewEvery: '50ms' },
    },
  })
  auths.push(auth)
  const listsubCalls = (mark: Record<string, number>) =>
    calls(emu!, mark)['POST /topapi/v2/department/listsub'] ?? 0
  let mark = markCalls(emu)
  expect((await auth.directory.sync()).complete).toBe(false)
  const perCrawl = listsubCalls(mark)
  expect(perCrawl).toBeGreaterThan(0)

  mark = markCalls(emu)
  await auth.directory.start()
  await new Promise((r) => setTimeout(r, 1_500))
  // One scheduled crawl in 1.5 s of 50 ms rounds; the next one an hour later (min(fullSyncEvery, 1 h)).
  expect(auth.directory.status()[0]!.leader).toBe(true)
  expect(listsubCalls(mark)).toBe(perCrawl)
})
