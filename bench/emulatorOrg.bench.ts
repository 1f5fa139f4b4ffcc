// Emulator organisation part of `npm run bench`: how long a 10,000-person generated organisation takes to start
// (against the default fixture's start in the same run), how long a full directory crawl takes, and whether the
// heap grows from one crawl to the next (it must not: a crawl leaves nothing behind).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { generateFixture, startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'

const PEOPLE = 10_000
const CRAWLS = 6
/** Heap growth allowed between the first and the last crawl (after a full GC), in MB. */
const LEAK_BUDGET_MB = 2

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
function heapMb(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 1_048_576
}

/** Wall time, and this process's CPU time (less distorted than wall time when the machine is shared). */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage()
  const start = performance.now()
  const value = await work()
  const used = process.cpuUsage(cpu)
  return { value, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 }
}

/** listsub from the root down, and every department's people through v2/user/list, 100 at a time. */
async function crawl(emu: RunningEmulator): Promise<{ departments: number; people: number; calls: number }> {
  const app = emu.fixture.apps[0]!
  const tokenAnswer = await fetch(`${emu.url}/gettoken?appkey=${app.clientId}&appsecret=${app.clientSecret}`)
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string }
  let calls = 0
  const call = async (path: string, body: Record<string, unknown>) => {
    calls++
    const answer = await fetch(`${emu.url}${path}?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const json = (await answer.json()) as { errcode: number; result: unknown }
    if (json.errcode !== 0) throw new Error(`${path} answered ${JSON.stringify(json)}`)
    return json.result
  }
  const people = new Set<string>()
  const queue = [1]
  let departments = 0
  while (queue.length > 0) {
    const deptId = queue.shift()!
    departments++
    const subs = (await call('/topapi/v2/department/listsub', { dept_id: deptId })) as { dept_id: number }[]
    queue.push(...subs.map((d) => d.dept_id))
    let cursor: number | undefined = 0
    while (cursor !== undefined) {
      const page = (await call('/topapi/v2/user/list', { dept_id: deptId, cursor, size: 100 })) as {
        next_cursor?: number
        list: { userid: string }[]
      }
      for (const person of page.list) people.add(person.userid)
      cursor = page.next_cursor
    }
  }
  return { departments, people: people.size, calls }
}

export async function run(): Promise<void> {
  const small = await timed(() => startEmulator({ port: 0 }))
  await small.value.close()
  const generated = await timed(async () => generateFixture({ people: PEOPLE, depth: 3, breadth: 5 }))
  // The least any loader does: read the fixture once (a JSON round trip), as the yardstick for the start.
  const reading = await timed(async () => JSON.parse(JSON.stringify(generated.value)) as unknown)
  const big = await timed(() => startEmulator({ port: 0, fixture: generated.value, ipRateLimit: false }))
  const emu = big.value
  try {
    console.log(
      `${PEOPLE} people, ${generated.value.departments!.length} departments: generate ${generated.ms.toFixed(0)} ms ` +
        `(CPU ${generated.cpuMs.toFixed(0)} ms), start ${big.ms.toFixed(0)} ms (CPU ${big.cpuMs.toFixed(0)} ms); ` +
        `generate + start ${(generated.ms + big.ms).toFixed(0)} ms; the start = ${(big.cpuMs / reading.cpuMs).toFixed(1)}× ` +
        `the CPU of one JSON round trip of the fixture (${reading.cpuMs.toFixed(0)} ms); default fixture start ${small.ms.toFixed(0)} ms`,
    )
    const before = heapMb()
    const after: number[] = []
    for (let i = 0; i < CRAWLS; i++) {
      const { value, ms } = await timed(() => crawl(emu))
      if (value.people !== PEOPLE) throw new Error(`crawl ${i + 1} saw ${value.people} of ${PEOPLE} people`)
      after.push(heapMb())
      console.log(
        `crawl ${i + 1}: ${value.departments} departments, ${value.people} people, ${value.calls} calls in ` +
          `${ms.toFixed(0)} ms (${(ms / value.calls).toFixed(2)} ms a call); heap ${after[i]!.toFixed(1)} MB`,
      )
    }
    const growth = after[CRAWLS - 1]! - after[0]!
    console.log(
      `heap before the crawls ${before.toFixed(1)} MB; growth from crawl 1 to crawl ${CRAWLS}: ${growth.toFixed(2)} MB (budget ${LEAK_BUDGET_MB} MB)`,
    )
    if (growth > LEAK_BUDGET_MB)
      throw new Error(`the heap grew ${growth.toFixed(2)} MB over ${CRAWLS} crawls`)
  } finally {
    await emu.close()
  }
}
