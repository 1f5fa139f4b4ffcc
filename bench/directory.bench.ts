// Directory part of `npm run bench`: a full crawl of a generated 10,000-person organisation (DingTalk calls as a
// ratio to the floor, time, peak memory) and the time from a leave to the refused session over Stream mode, all
// against the local emulator over real HTTP and WebSocket. Figures are from this one run only.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateFixture, startEmulator } from 'dingtalk-emulator'
import type { EmulatorFixture, RunningEmulator } from 'dingtalk-emulator'
import { createDingTalkAuth, silentLogger } from 'dingtalk-login-server'
import type { DingTalkAuth } from 'dingtalk-login-server'

const PEOPLE = 10_000
const LEAVES = 100
const PAGE = 100
/** Target from issue 13. */
const TARGET_CALL_RATIO = 1.05

/** departments + Σ ⌈people directly in each department / 100⌉ (the floor). */
function crawlFloor(fixture: EmulatorFixture, corpId: string): { departments: number; floor: number } {
  const departments = (fixture.departments ?? []).filter((d) => d.corpId === corpId)
  const perDepartment = new Map<number, number>(departments.map((d) => [d.deptId, 0]))
  for (const user of fixture.users)
    for (const m of user.memberships)
      if (m.corpId === corpId)
        for (const id of m.deptIdList) perDepartment.set(id, (perDepartment.get(id) ?? 0) + 1)
  let pages = 0
  for (const count of perDepartment.values()) pages += Math.ceil(count / PAGE)
  return { departments: departments.length, floor: departments.length + pages }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 1))
  }
}

async function workbenchSession(emu: RunningEmulator, auth: DingTalkAuth, corpId: string, userid: string) {
  const { code } = emu.mintFreeLoginCode({ corpId, userid })
  const response = await auth.handler(
    new Request('http://127.0.0.1/api/auth/dingtalk/login/workbench', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
      body: JSON.stringify({ corpId, authCode: code, platform: 'ios' }),
    }),
  )
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`)
  return ((await response.json()) as { session: { token: string } }).session.token
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dingtalk-directory-bench-'))
  const fixture = generateFixture({ people: PEOPLE, depth: 2, breadth: 6, seed: 13 })
  const app = fixture.apps[0]!
  app.stream = true
  const corpId = app.corpId
  const emu = await startEmulator({ port: 0, fixture, ipRateLimit: false })
  let auth: DingTalkAuth | undefined
  try {
    auth = await createDingTalkAuth({
      instances: [
        {
          name: 'bench',
          authConfig: { appKey: app.clientId, appSecret: app.clientSecret, agentId: app.agentId, corpId },
        },
      ],
      store: `sqlite:${join(dir, 'directory.sqlite')}`,
      logger: silentLogger,
      session: { secret: 'd'.repeat(43) },
      // The emulator answers slower with 10,000 people in memory than DingTalk would: allow for it.
      dingtalk: { apiBase: emu.url, oapiBase: emu.url, loginBase: emu.url, timeoutMs: 30_000 },
      directory: { events: 'stream', fullSyncEvery: false, leaveRecordsEvery: false },
    })
    const { departments, floor } = crawlFloor(fixture, corpId)
    console.log(`generated organisation: ${PEOPLE} people in ${departments} departments; store: SQLite`)

    global.gc?.()
    const baseline = process.memoryUsage()
    let peakRss = baseline.rss
    let peakHeap = baseline.heapUsed
    const sampler = setInterval(() => {
      const now = process.memoryUsage()
      peakRss = Math.max(peakRss, now.rss)
      peakHeap = Math.max(peakHeap, now.heapUsed)
    }, 10)
    const started = performance.now()
    const report = await auth.directory.sync()
    const crawlMs = performance.now() - started
    clearInterval(sampler)
    if (!report.complete)
      throw new Error(`the crawl was incomplete: ${JSON.stringify(report.failures.slice(0, 3))}`)
    const ratio = report.apiCalls / floor
    console.log(
      `full crawl: ${report.apiCalls} DingTalk calls, floor ${floor} → ratio ${ratio.toFixed(3)} (target ≤ ${TARGET_CALL_RATIO}); ${report.people.added} people, ${report.departments.total} departments`,
    )
    console.log(
      `crawl time ${(crawlMs / 1000).toFixed(2)} s (${(crawlMs / report.apiCalls).toFixed(2)} ms per call); peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (+${((peakRss - baseline.rss) / 2 ** 20).toFixed(0)} MiB over the start), peak heap +${((peakHeap - baseline.heapUsed) / 2 ** 20).toFixed(0)} MiB`,
    )
    const again = performance.now()
    const second = await auth.directory.sync()
    console.log(
      `second crawl (nothing changed): ${second.people.unchanged} unchanged in ${((performance.now() - again) / 1000).toFixed(2)} s`,
    )

    await auth.directory.start()
    const directory = auth.directory
    await until(async () => directory.status()[0]!.streamConnected)
    const members = fixture.users
      .flatMap((u) => u.memberships.filter((m) => m.corpId === corpId && m.deptIdList.length > 0))
      .slice(0, LEAVES)
    const sessions = await Promise.all(
      members.map(async (m) => ({
        userid: m.userid,
        token: await workbenchSession(emu, auth!, corpId, m.userid),
      })),
    )
    const delays: number[] = []
    const current = auth
    for (const { userid, token } of sessions) {
      if (!(await current.sessions.verify(token))) throw new Error('a session was refused before its leave')
      const left = performance.now()
      emu.leave({ corpId, userid })
      await until(async () => (await current.sessions.verify(token)) === null)
      delays.push(performance.now() - left)
    }
    console.log(
      `leave → refused session over Stream mode (${LEAVES} leaves): median ${median(delays).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms`,
    )
    if (ratio > TARGET_CALL_RATIO)
      throw new Error(`crawl calls ÷ floor ${ratio.toFixed(3)} is over the target ${TARGET_CALL_RATIO}`)
  } finally {
    await auth?.close()
    await emu.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
