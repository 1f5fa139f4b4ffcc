import type { DingTalkAuth } from 'dingtalk-login-server'
import type { EmulatorOptions } from 'dingtalk-emulator'
import { afterEach, expect, it } from 'vitest'
import {
  APP_A,
  CORP_A,
  ZHANG_WEI,
  addFault,
  calls,
  createRecordingLogger,
  createTestAuth,
  startTestEmulator,
} from '../support/emulator'
import type { RunningEmulator } from '../support/emulator'
import { until } from '../support/until'

const LEAVE_RECORDS = 'GET /v1.0/contact/empLeaveRecords'
const MINUTE = 60_000

let emu: RunningEmulator | undefined
let auth: DingTalkAuth | undefined

afterEach(async () => {
  await auth?.close()
  await emu?.close()
  emu = auth = undefined
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * One process leading APP_A with a leader round every 100 ms and leave records due every 5 minutes, on a clock the
 * test moves; no crawl, no events: only the leave-records read calls DingTalk.
 */
async function startLeader(options: EmulatorOptions = {}) {
  emu = await startTestEmulator(options)
  const clock = { now: Date.now() }
  const logger = createRecordingLogger()
  auth = await createTestAuth(emu, {
    clientIds: [APP_A],
    logger,
    now: () => clock.now,
    directory: {
      events: 'none',
      fullSyncEvery: false,
      leaveRecordsEvery: '5m',
      leader: { lease: '600ms', renewEvery: '100ms' },
    },
  })
  const reads = () => calls(emu!)[LEAVE_RECORDS] ?? 0
  const lines = (pattern: RegExp) => logger.lines.filter((line) => pattern.test(line))
  return { emu, auth, clock, reads, lines }
}

it('reads leave records the app may not read once per leaveRecordsEvery, backing off, with one warning', async () => {
  const { auth, clock, reads, lines } = await startLeader({
    leaveRecordsPermission: 'Contact.Common.NotGranted',
  })
  await auth.directory.start()
  // Twenty leader rounds: the failed read is not tried again in any of them.
  await sleep(2_000)
  expect(reads()).toBe(1)
  const warnings = lines(/^warn .*leave records/)
  expect(warnings).toHaveLength(1)
  // Names the missing permission and the two ways out.
  expect(warnings[0]).toMatch(/Contact\.Common\.NotGranted/)
  expect(warnings[0]).toMatch(/developer console/)
  expect(warnings[0]).toMatch(/leaveRecordsEvery: false/)
  expect(lines(/^error/)).toEqual([])

  // Not before leaveRecordsEvery has passed.
  clock.now += 4 * MINUTE
  await sleep(500)
  expect(reads()).toBe(1)
  clock.now += 1 * MINUTE
  expect(await until(() => reads() === 2)).toBe(true)
  // Then twice as long: 10 minutes after the second try, not 5.
  clock.now += 5 * MINUTE
  await sleep(500)
  expect(reads()).toBe(2)
  clock.now += 5 * MINUTE
  expect(await until(() => reads() === 3)).toBe(true)
  await sleep(300)
  expect(reads()).toBe(3)
  // Still the one warning: the same cause is not reported again every try.
  expect(lines(/^warn .*leave records/)).toHaveLength(1)
  expect(lines(/^error/)).toEqual([])
})

it('after a failed read (the monthly quota) reads again on schedule, says so once, and applies the leaves', async () => {
  const { emu, auth, clock, reads, lines } = await startLeader()
  await auth.directory.sync()
  await addFault(emu, { endpoint: LEAVE_RECORDS, kind: 'quota', count: 1 })
  await auth.directory.start()
  expect(await until(() => reads() === 1)).toBe(true)
  await sleep(500)
  expect(reads()).toBe(1)
  expect(lines(/^warn .*leave records/)).toHaveLength(1)
  expect(lines(/^warn .*leave records/)[0]).toMatch(/quota/)

  // Zhang Wei leaves while no event can tell (events: 'none'): the next read, a leaveRecordsEvery later, finds it.
  emu.leave({ corpId: CORP_A, userid: ZHANG_WEI.userid })
  clock.now += 5 * MINUTE
  expect(await until(() => reads() === 2)).toBe(true)
  const zhangLeft = async () =>
    (await auth.directory.findPerson({ corpId: CORP_A, unionId: ZHANG_WEI.unionId }))?.person?.state ===
    'left'
  expect(await until(zhangLeft)).toBe(true)
  expect(lines(/^info .*leave records .*again/)).toHaveLength(1)
  // Back on the normal schedule: nothing more until the next leaveRecordsEvery.
  await sleep(500)
  expect(reads()).toBe(2)
  expect(lines(/^warn .*leave records/)).toHaveLength(1)
  expect(lines(/^error/)).toEqual([])
})
