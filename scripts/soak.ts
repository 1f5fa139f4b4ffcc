// `npm run soak`: the fuzz and fault-soak suites of the server at full size (`npm test` runs them small).
// ≥ 10,000 fuzz cases per HTTP route, ≥ 5,000 logins per store combination under injected upstream faults.
// Prints per part: requests, 5xx (all, and those no upstream fault explains), untyped errors, leaks in responses
// and log lines, duplicate bindings, heap before/after (after a GC: run with --expose-gc, as the script does).
// Exits 1 on any defect. `npm run soak -- fuzz` or `-- sqlite` or `-- postgres-redis` runs one part.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fuzzRoutes } from '../server-adapter/test/fuzz/fuzzRoutes'
import type { ProofCounts } from '../server-adapter/test/fuzz/leakChecks'
import { soakLogins } from '../server-adapter/test/soak/soakLogins'

const FUZZ_RUNS_PER_ROUTE = Number(process.env.SOAK_FUZZ_RUNS ?? 10_000)
const SOAK_LOGINS = Number(process.env.SOAK_LOGINS ?? 5_000)
const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

const parts = process.argv.slice(2)
const wanted = (name: string) => parts.length === 0 || parts.includes(name)
const dir = mkdtempSync(join(tmpdir(), 'dingtalk-soak-'))
let defects = 0

function print(name: string, counts: ProofCounts, extra: Record<string, unknown>): void {
  const partDefects =
    counts.serverErrors + counts.untypedErrors + counts.leaks + Number(extra.duplicateBindings ?? 0)
  defects += partDefects
  console.log(`\n## ${name}`)
  for (const [key, value] of Object.entries({
    requests: counts.requests,
    '5xx (all)': counts.all5xx,
    '5xx not explained by an injected upstream fault': counts.serverErrors,
    'untyped errors': counts.untypedErrors,
    'leaks (responses and log lines)': counts.leaks,
    ...extra,
  }))
    console.log(`${key.padEnd(48)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
  for (const example of counts.examples) console.log(`  defect: ${example}`)
  console.log(partDefects === 0 ? 'no defect' : `${partDefects} DEFECT(S)`)
}

const heapMb = () => {
  ;(globalThis as { gc?: () => void }).gc?.()
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10
}

try {
  if (wanted('fuzz')) {
    const url = `sqlite:${join(dir, 'fuzz.sqlite')}`
    const before = heapMb()
    const started = performance.now()
    const report = await fuzzRoutes({
      runsPerRoute: FUZZ_RUNS_PER_ROUTE,
      store: url,
      stateStore: url,
      tablePrefix: 'fuzz_',
    })
    print(`fuzz, ${FUZZ_RUNS_PER_ROUTE} cases per route (SQLite)`, report.counts, {
      'cases per route': report.perRoute,
      'heap before / after (MB)': `${before} / ${heapMb()}`,
      seconds: Math.round((performance.now() - started) / 1000),
    })
  }
  const combinations = [
    {
      name: 'sqlite',
      label: 'SQLite (bindings and states in one file)',
      store: `sqlite:${join(dir, 'soak.sqlite')}`,
      stateStore: `sqlite:${join(dir, 'soak.sqlite')}`,
    },
    {
      name: 'postgres-redis',
      label: 'PostgreSQL bindings + Redis states',
      store: POSTGRES,
      stateStore: REDIS,
    },
  ]
  for (const combination of combinations) {
    if (!wanted(combination.name)) continue
    const started = performance.now()
    const report = await soakLogins({
      logins: SOAK_LOGINS,
      concurrency: 16,
      store: combination.store,
      stateStore: combination.stateStore,
    })
    print(`fault soak, ${SOAK_LOGINS} logins, ${combination.label}`, report.counts, {
      'successful logins': report.succeeded,
      'answers by status': report.byStatus,
      'DingTalk calls (faults on ~12 % of them)': report.dingTalkCalls,
      duplicateBindings: report.duplicateBindings,
      'heap before / after (MB)': `${report.heapBeforeMb} / ${report.heapAfterMb}`,
      seconds: Math.round((performance.now() - started) / 1000),
    })
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
console.log(defects === 0 ? '\nsoak: no defect' : `\nsoak: ${defects} defect(s)`)
process.exit(defects === 0 ? 0 : 1)
