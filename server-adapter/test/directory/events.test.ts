import type { DingTalkAuth, DirectoryOptions, DirectoryStreamOptions } from 'dingtalk-login-server'
import type { EmulatorOptions } from 'dingtalk-emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { APP_A, CORP_A, ZHANG_WEI, addFault, createTestAuth, startTestEmulator } from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { until } from '../support/until'

let emu: RunningEmulator | undefined
let auth: DingTalkAuth | undefined

afterEach(async () => {
  await auth?.close()
  await emu?.close()
  emu = auth = undefined
})

/** Quick to notice a dead connection and to reopen it, so the tests need not wait production's seconds. */
const FAST_STREAM = { heartbeatEvery: '100ms', reconnectMin: '10ms', reconnectMax: '40ms' }

async function startStream(
  options: EmulatorOptions = {},
  stream: DirectoryStreamOptions = FAST_STREAM,
  hooks: Pick<DirectoryOptions, 'onPersonJoined'> = {},
): Promise<{ emu: RunningEmulator; auth: DingTalkAuth }> {
  emu = await startTestEmulator(options)
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    directory: { events: 'stream', fullSyncEvery: false, leaveRecordsEvery: false, stream, ...hooks },
  })
  await auth.directory.sync()
  await auth.directory.start()
  await until(
    () => auth!.directory.status()[0]!.streamConnected,
    (connected) => connected,
  )
  return { emu, auth }
}

const departmentName = async (deptId: number) =>
  (await auth!.directory.departments(CORP_A)).find((d) => d.deptId === deptId)

describe('directory events in Stream mode', () => {
  it('brings department create, rename, move and remove into the store', async () => {
    const { emu } = await startStream()
    const { deptId } = emu.createDepartment({ corpId: CORP_A, name: '设计部', parentId: 10 })
    expect(await until(() => departmentName(deptId), Boolean)).toMatchObject({ name: '设计部', parentId: 10 })
    emu.modifyDepartment({ corpId: CORP_A, deptId, name: '体验设计部' })
    expect(
      await until(
        () => departmentName(deptId),
        (d) => d?.name === '体验设计部',
      ),
    ).toMatchObject({
      name: '体验设计部',
    })
    emu.modifyDepartment({ corpId: CORP_A, deptId, parentId: 20 })
    expect(
      await until(
        () => departmentName(deptId),
        (d) => d?.parentId === 20,
      ),
    ).toMatchObject({ parentId: 20 })
    emu.removeDepartment({ corpId: CORP_A, deptId })
    expect(
      await until(
        () => departmentName(deptId),
        (d) => d === undefined,
      ),
    ).toBeUndefined()
  })

  it('loses no event across a disconnect (new connection first) or a dropped socket, and acks every one', async () => {
    const { emu, auth } = await startStream()
    emu.stream.disconnect({ clientId: APP_A, closeAfterMs: 300 })
    const hired = emu.hire({ corpId: CORP_A, name: '新同事', deptIds: [20], title: '设计师' })
    emu.modifyPerson({ corpId: CORP_A, userid: ZHANG_WEI.userid, title: 'CTO' })
    emu.stream.drop({ clientId: APP_A })
    // While the socket is down: DingTalk keeps the events and pushes them on the next connection.
    const second = emu.hire({ corpId: CORP_A, name: '又一位同事', deptIds: [30] })
    for (const userid of [hired.userid, second.userid]) {
      const found = await until(
        () => auth.directory.findPerson({ corpId: CORP_A, dingUserId: userid }),
        (p) => p?.person?.state === 'active',
      )
      expect(found?.person?.state).toBe('active')
    }
    const zhang = await until(
      () => auth.directory.findPerson({ corpId: CORP_A, dingUserId: ZHANG_WEI.userid }),
      (p) => p?.person?.title === 'CTO',
    )
    expect(zhang?.person?.title).toBe('CTO')
    // Every event delivered to this app was acked (other apps of the corp have their own deliveries).
    const pending = await until(
      () =>
        emu
          .events(APP_A)
          .filter((e) => e.deliveries.some((d) => d.clientId === APP_A && d.status !== 'acked')),
      (list) => list.length === 0,
    )
    expect(pending).toEqual([])
  })

  it('applies a leave missed while disconnected from the leave records when it reconnects', async () => {
    emu = await startTestEmulator({ stream: { offlineEvents: 'drop' } })
    const current = await createTestAuth(emu, {
      clientIds: [APP_A],
      directory: { events: 'stream', fullSyncEvery: false, leaveRecordsEvery: '1h', stream: FAST_STREAM },
    })
    auth = current
    await current.directory.sync()
    await current.directory.start()
    await until(
      () => current.directory.status()[0]!.streamConnected,
      (connected) => connected,
    )
    emu.stream.drop({ clientId: APP_A })
    emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
    const gone = await until(
      () => current.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }),
      (p) => p?.person?.state === 'left',
    )
    expect(gone?.person?.state).toBe('left')
  })

  it('finds a half-open connection by its heartbeat and opens a new one, losing no event', async () => {
    const joined: string[] = []
    const { emu, auth } = await startStream({}, FAST_STREAM, {
      onPersonJoined: (event) => void joined.push(event.person.dingUserId),
    })
    const [before] = emu.stream.connections(APP_A)
    emu.stream.stall({ clientId: APP_A })
    const stalledAt = Date.now()
    // Published while the connection is silent: DingTalk cannot tell and pushes it into the dead socket, where it is
    // lost unacked; only when that socket closes is it pushed on the next connection.
    const hired = emu.hire({ corpId: CORP_A, name: '半开连接', deptIds: [20] })
    const [joinEvent] = emu
      .events(APP_A)
      .filter((e) => e.eventType === 'user_add_org' && e.userIds?.includes(hired.userid))
    const deliveryOf = () =>
      emu
        .events(APP_A)
        .find((e) => e.eventId === joinEvent!.eventId)
        ?.deliveries.find((d) => d.clientId === APP_A)
    expect(deliveryOf()).toMatchObject({ attempts: 1, status: 'pending' })
    const reopened = await until(
      () => emu.stream.connections(APP_A).filter((c) => !c.stalled),
      (open) => open.length === 1 && open[0]!.connectionId !== before!.connectionId,
      5_000,
    )
    expect(reopened).toHaveLength(1)
    // A 100 ms heartbeat finds it in two beats, not the default ten seconds.
    expect(Date.now() - stalledAt).toBeLessThan(2_000)
    const found = await until(
      () => auth.directory.findPerson({ corpId: CORP_A, dingUserId: hired.userid }),
      (p) => p?.person?.state === 'active',
    )
    expect(found?.person?.name).toBe('半开连接')
    // Exactly once: acked on the new connection after the lost push, and applied once.
    const delivery = await until(deliveryOf, (d) => d?.status === 'acked')
    expect(delivery?.status).toBe('acked')
    expect(delivery!.attempts).toBeGreaterThanOrEqual(2)
    await new Promise((r) => setTimeout(r, 300))
    expect(joined.filter((userid) => userid === hired.userid)).toEqual([hired.userid])
  })

  it('keeps reopening a lost connection with the configured backoff while the gateway refuses', async () => {
    const { emu, auth } = await startStream({}, { reconnectMin: '10ms', reconnectMax: '20ms' })
    // Twenty-five refusals: capped at 20 ms they pass in well under a second; the defaults (1 s doubling to 30 s)
    // would take minutes.
    await addFault(emu, { endpoint: 'POST /v1.0/gateway/connections/open', kind: 'busy', count: 25 })
    const droppedAt = Date.now()
    const [before] = emu.stream.connections(APP_A)
    emu.stream.drop({ clientId: APP_A })
    const reopened = await until(
      () => emu.stream.connections(APP_A),
      (open) => open.length === 1 && open[0]!.connectionId !== before!.connectionId,
      15_000,
    )
    expect(reopened).toHaveLength(1)
    // The gateway registers the socket before the client sees it open: wait for the client's side too.
    const connected = await until(() => auth.directory.status()[0]!.streamConnected, Boolean, 5_000)
    expect(connected).toBe(true)
    // The defaults (1 s doubling to 30 s) would need minutes for 25 refusals; a loaded machine still needs seconds.
    expect(Date.now() - droppedAt).toBeLessThan(15_000)
    expect(emu.stats().byEndpoint['POST /v1.0/gateway/connections/open']).toBeGreaterThanOrEqual(27)
  })
})
