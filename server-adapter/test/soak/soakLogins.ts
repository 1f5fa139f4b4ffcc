// A fault soak: many logins of both flows through the HTTP handler, several at a time, while the emulator
// injects upstream faults (throttling, busy, timeouts, dropped connections, HTML pages, IP bans) into a share of
// the DingTalk calls. Counts what must stay zero: 5xx other than the upstream ones a fault explains, untyped
// errors, leaks in responses and log lines, and people who ended up with two local users (duplicate bindings).
import { randomBytes } from 'node:crypto'
import { LeakWatch } from '../fuzz/leakChecks'
import type { ProofCounts } from '../fuzz/leakChecks'
import { BASE, ORIGIN, startLoginStack } from '../fuzz/stack'

/** The figures of one soak. */
export interface SoakReport {
  logins: number
  succeeded: number
  byStatus: Record<string, number>
  /** People with more than one local user id across their successful logins. */
  duplicateBindings: number
  /** DingTalk calls the emulator answered, faulty ones included. */
  dingTalkCalls: number
  heapBeforeMb: number
  heapAfterMb: number
  counts: ProofCounts
}

const FAULT_KINDS = ['throttle', 'busy', 'timeout', 'drop', 'html', 'ipBan'] as const

function heapMb(): number {
  ;(globalThis as { gc?: () => void }).gc?.()
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10
}

export async function soakLogins(options: {
  logins: number
  concurrency: number
  store: string
  stateStore: string
  /** Share of DingTalk calls that get a fault, per kind. @default 0.02 */
  faultRatePerKind?: number
}): Promise<SoakReport> {
  const watch = new LeakWatch()
  const tablePrefix = `s${randomBytes(4).toString('hex')}_`
  const stack = await startLoginStack({
    watch,
    store: options.store,
    stateStore: options.stateStore,
    tablePrefix,
    timeoutMs: 1_500,
  })
  const { emu, http } = stack
  const rate = options.faultRatePerKind ?? 0.02
  for (const kind of FAULT_KINDS)
    emu.addFault({ kind, rate, ...(kind === 'timeout' ? { latencyMs: 1_600 } : {}) })

  // Members, people of the other corp, external contacts, people in no corp: the refusals are part of the soak.
  const apps = emu.fixture.apps.slice(0, 2)
  const people = emu.fixture.users.flatMap((user) =>
    apps.map((app) => ({
      app,
      unionId: user.unionId,
      membership: user.memberships.find((m) => m.corpId === app.corpId),
    })),
  )
  const userIdsByPerson = new Map<string, Set<string>>()
  const byStatus: Record<string, number> = {}
  let succeeded = 0
  const count = (status: number) => (byStatus[status] = (byStatus[status] ?? 0) + 1)
  const request = (path: string, init: RequestInit = {}) => new Request(`${ORIGIN}${BASE}/${path}`, init)
  const post = (path: string, body: unknown, cookie?: string) =>
    request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    })
  const cookieOf = (response: Response) =>
    response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ')
  const heapBeforeMb = heapMb()
  let dingTalkCalls: number

  async function oneLogin(index: number): Promise<void> {
    const person = people[index % people.length]!
    const flow = index % 2 === 0 ? 'qr' : 'workbench'
    let response: Response
    if (flow === 'qr') {
      const config = await http.handler(request('config'))
      const configText = await watch.response('GET /config', config.clone(), { upstreamFaults: true })
      count(config.status)
      if (config.status !== 200) return
      const { state } = JSON.parse(configText) as { state: string }
      const { code } = emu.mintOAuthCode({
        clientId: person.app.clientId,
        unionId: person.unionId,
        ...(person.membership ? { userid: person.membership.userid } : {}),
      })
      watch.secret(code)
      response = await http.handler(post('login/qr', { code, state, platform: 'web' }, cookieOf(config)))
    } else {
      let code: string
      try {
        code = emu.mintFreeLoginCode({ corpId: person.app.corpId, unionId: person.unionId }).code
      } catch {
        return // DingTalk gives no free-login code to someone outside the corp: nothing to send
      }
      watch.secret(code)
      response = await http.handler(
        post('login/workbench', { corpId: person.app.corpId, authCode: code, platform: 'ios' }),
      )
    }
    count(response.status)
    const text = await watch.response(`POST /login/${flow}`, response.clone(), { upstreamFaults: true })
    if (response.status !== 200) return
    succeeded += 1
    const result = JSON.parse(text) as { userId: string; session?: { token: string } }
    watch.logSecret(result.session?.token)
    const key = `${person.app.corpId}/${person.unionId}`
    const ids = userIdsByPerson.get(key) ?? new Set<string>()
    ids.add(result.userId)
    userIdsByPerson.set(key, ids)
    const session = await http.handler(request('session', { headers: { cookie: cookieOf(response) } }))
    count(session.status)
    await watch.response('GET /session', session, { upstreamFaults: true })
    if (index % 3 === 0) {
      const logout = await http.handler(post('logout', {}, cookieOf(response)))
      count(logout.status)
      await watch.response('POST /logout', logout)
    }
  }

  try {
    let next = 0
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.logins) await oneLogin(next++)
      }),
    )
  } finally {
    dingTalkCalls = emu.stats().total
    await stack.close()
  }
  return {
    logins: options.logins,
    succeeded,
    byStatus,
    duplicateBindings: [...userIdsByPerson.values()].filter((ids) => ids.size > 1).length,
    dingTalkCalls,
    heapBeforeMb,
    heapAfterMb: heapMb(),
    counts: watch.counts,
  }
}
