// Server part of `npm run bench`: DingTalk calls per login, login latency against the round-trip floor, and
// throughput, all against the local emulator over real HTTP. Ratios and counts taken in this one run only.
// It fails only on what the code controls: DingTalk calls per login above their floor, app-token fetches, failed
// logins. Latency is reported against calls × the bare round trip measured beside it (goal ≤ 1.05), never failed
// on: a bare round trip alone is already ~1.2× the injected latency here, and the machine is shared.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from 'dingtalk-emulator'
import type { RunningEmulator } from 'dingtalk-emulator'
import { createDingTalkAuth, silentLogger } from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkAuthOptions } from 'dingtalk-login-server'

const LATENCY_MS = 20
const LATENCY_RUNS = 25
const THROUGHPUT_LOGINS = 2_000
const THROUGHPUT_CONCURRENCY = 50
const CONCURRENT_LOGINS = 500

/** Floors of DingTalk calls (protocol §5) and the other counts the code controls; the latency goal is reported only. */
const TARGETS = { repeatQrCalls: 2, repeatWorkbenchCalls: 1, tokenFetches: 1 }
const LATENCY_GOAL_RATIO = 1.05

type Flow = 'qr' | 'workbench'

function instancesOf(emu: RunningEmulator, count = 2): DingTalkAuthOptions['instances'] {
  return emu.fixture.apps.slice(0, count).map((app, i) => ({
    name: `bench${i}`,
    authConfig: {
      appKey: app.clientId,
      appSecret: app.clientSecret,
      agentId: app.agentId,
      corpId: app.corpId,
    },
  }))
}

async function createAuth(
  emu: RunningEmulator,
  store: string,
  profileMaxAgeMs: number,
): Promise<DingTalkAuth> {
  return createDingTalkAuth({
    instances: instancesOf(emu),
    store: store as DingTalkAuthOptions['store'],
    tablePrefix: `b${Math.random().toString(36).slice(2, 8)}_`,
    logger: silentLogger,
    profileMaxAgeMs,
    dingtalk: { apiBase: emu.url, oapiBase: emu.url, loginBase: emu.url },
  })
}

/** A person of the first corp and a ready code for one login of `flow`. */
function makeLogin(emu: RunningEmulator, auth: DingTalkAuth, flow: Flow): () => Promise<unknown> {
  const app = emu.fixture.apps[0]!
  const user = emu.fixture.users.find((u) => u.memberships.some((m) => m.corpId === app.corpId && m.active))!
  const userid = user.memberships.find((m) => m.corpId === app.corpId)!.userid
  if (flow === 'qr') {
    // The login's own scope (the default 'openid corpid'): DingTalk then reports the chosen corp, which proves it.
    const { code } = emu.mintOAuthCode({ clientId: app.clientId, userid, scope: 'openid corpid' })
    return () => auth.service.loginByQrCode({ code, corpId: app.corpId, platform: 'web' })
  }
  const { code } = emu.mintFreeLoginCode({ corpId: app.corpId, userid })
  return () => auth.service.loginByWorkbench({ corpId: app.corpId, authCode: code, platform: 'ios' })
}

async function countCalls(emu: RunningEmulator, login: () => Promise<unknown>): Promise<number> {
  const before = emu.stats().total
  await login()
  return emu.stats().total - before
}

/** A bare `fetch` of the app-token endpoint: what one round trip costs before any SDK code. */
async function rawRoundTrip(emu: RunningEmulator): Promise<number> {
  const app = emu.fixture.apps[0]!
  const durations: number[] = []
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const started = performance.now()
    const response = await fetch(`${emu.url}/v1.0/oauth2/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appKey: app.clientId, appSecret: app.clientSecret }),
    })
    await response.text()
    durations.push(performance.now() - started)
  }
  return median(durations)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dingtalk-bench-'))
  const sqlite = (name: string) => `sqlite:${join(dir, `${name}.sqlite`)}`
  const failures: string[] = []
  const slow = await startEmulator({ port: 0, latencyMs: LATENCY_MS })
  // The gateway's per-IP limit (10 000 calls / 20 s) would ban the throughput run: lift it on the fast emulator.
  const fast = await startEmulator({
    port: 0,
    latencyMs: 0,
    ipRateLimit: false,
  })
  const auths: DingTalkAuth[] = []
  try {
    console.log(`store: SQLite (embedded default); emulator latency ${LATENCY_MS} ms per DingTalk call`)
    const transport = await rawRoundTrip(slow)
    console.log(
      `one bare HTTP round trip to the emulator (no SDK): median ${transport.toFixed(1)} ms = ${(transport / LATENCY_MS).toFixed(3)}× the ${LATENCY_MS} ms latency`,
    )
    console.log(
      '\nDingTalk calls per login; latency = median of sequential logins; floor = calls × a bare round trip measured' +
        ` just before (goal ratio ≤ ${LATENCY_GOAL_RATIO}, reported, not enforced)`,
    )
    console.log(`${'flow'.padEnd(10)} ${'login'.padEnd(37)} calls  median ms  floor ms  ratio`)
    const missedGoals: string[] = []
    for (const flow of ['qr', 'workbench'] as const) {
      for (const refresh of [false, true]) {
        // Profile refresh off: profileMaxAgeMs = Infinity; on: every login (the default).
        const auth = await createAuth(
          slow,
          sqlite(`${flow}-${refresh}`),
          refresh ? 0 : Number.POSITIVE_INFINITY,
        )
        auths.push(auth)
        const first = await countCalls(slow, makeLogin(slow, auth, flow))
        const repeat = await countCalls(slow, makeLogin(slow, auth, flow))
        // The floor of this row, measured now: the machine's load drifts during the run.
        const roundTrip = await rawRoundTrip(slow)
        const durations: number[] = []
        for (let i = 0; i < LATENCY_RUNS; i++) {
          const login = makeLogin(slow, auth, flow)
          const started = performance.now()
          await login()
          durations.push(performance.now() - started)
        }
        const med = median(durations)
        const floor = repeat * roundTrip
        const ratio = med / floor
        const label = refresh ? 'profile refresh every login' : 'profile refresh off'
        if (!refresh) {
          console.log(`${flow.padEnd(10)} ${'first'.padEnd(37)} ${String(first).padStart(5)}`)
        }
        const goal = ratio <= LATENCY_GOAL_RATIO ? 'goal met' : 'above goal'
        console.log(
          `${flow.padEnd(10)} ${`repeat, ${label}`.padEnd(37)} ${String(repeat).padStart(5)}  ${med.toFixed(1).padStart(9)}  ${floor.toFixed(1).padStart(8)}  ${ratio.toFixed(3)} ${goal}`,
        )
        if (ratio > LATENCY_GOAL_RATIO) missedGoals.push(`${flow} ${label} ${ratio.toFixed(3)}×`)
        if (!refresh) {
          const target = flow === 'qr' ? TARGETS.repeatQrCalls : TARGETS.repeatWorkbenchCalls
          const atFloor = repeat <= target ? 'at its floor' : `ABOVE its floor of ${target}`
          console.log(`${''.padEnd(10)} repeat ${flow} login: ${repeat} DingTalk call(s), ${atFloor}`)
          if (repeat > target)
            failures.push(`repeat ${flow} login made ${repeat} DingTalk calls (floor ${target})`)
        }
      }
    }
    if (missedGoals.length > 0) {
      console.log(
        `latency above the ${LATENCY_GOAL_RATIO}× goal (reported, not enforced: noise of a shared machine): ${missedGoals.join(', ')}`,
      )
    }

    console.log(
      `\nThroughput at 0 ms latency (${THROUGHPUT_LOGINS} logins, ${THROUGHPUT_CONCURRENCY} at a time)`,
    )
    for (const flow of ['qr', 'workbench'] as const) {
      for (const refresh of [false, true]) {
        const auth = await createAuth(
          fast,
          sqlite(`tp-${flow}-${refresh}`),
          refresh ? 0 : Number.POSITIVE_INFINITY,
        )
        auths.push(auth)
        await makeLogin(fast, auth, flow)()
        const logins = Array.from({ length: THROUGHPUT_LOGINS }, () => makeLogin(fast, auth, flow))
        const started = performance.now()
        let next = 0
        // A login that times out on a loaded machine is counted and shown, not thrown: it is not the code's doing.
        let timedOut = 0
        await Promise.all(
          Array.from({ length: THROUGHPUT_CONCURRENCY }, async () => {
            while (next < logins.length) {
              await logins[next++]!().catch((error: unknown) => {
                if ((error as { code?: string }).code !== 'upstream_timeout') throw error
                timedOut += 1
              })
            }
          }),
        )
        const perSecond = THROUGHPUT_LOGINS / ((performance.now() - started) / 1000)
        const label = refresh ? 'profile refresh every login' : 'profile refresh off'
        console.log(
          `${flow.padEnd(10)} repeat, ${label.padEnd(28)} ${perSecond.toFixed(0).padStart(6)} logins/s` +
            (timedOut > 0 ? ` (${timedOut} timed out)` : ''),
        )
      }
    }

    console.log(`\nApp-token fetches for ${CONCURRENT_LOGINS} concurrent logins on a cold cache`)
    for (const flow of ['workbench', 'qr'] as const) {
      const auth = await createAuth(fast, sqlite(`cold-${flow}`), 0)
      auths.push(auth)
      const logins = Array.from({ length: CONCURRENT_LOGINS }, () => makeLogin(fast, auth, flow))
      const before = fast.stats().byEndpoint['POST /v1.0/oauth2/accessToken'] ?? 0
      const results = await Promise.allSettled(logins.map((login) => login()))
      const fetches = (fast.stats().byEndpoint['POST /v1.0/oauth2/accessToken'] ?? 0) - before
      const failed = results.filter((r) => r.status === 'rejected').length
      console.log(`${flow.padEnd(10)} ${fetches} app-token fetch(es), ${failed} failed logins`)
      if (fetches !== TARGETS.tokenFetches)
        failures.push(`${CONCURRENT_LOGINS} concurrent ${flow} logins fetched the app token ${fetches} times`)
      if (failed > 0) failures.push(`${failed} of ${CONCURRENT_LOGINS} concurrent ${flow} logins failed`)
    }
  } finally {
    await Promise.all(auths.map((a) => a.close()))
    await Promise.all([slow.close(), fast.close()])
    rmSync(dir, { recursive: true, force: true })
  }
  if (failures.length > 0) throw new Error(failures.join('; '))
  console.log('\nall server targets met')
}
