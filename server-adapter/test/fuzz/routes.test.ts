import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { fuzzRoutes } from './fuzzRoutes'

// Small here (seconds); `npm run soak` runs ≥ 10,000 cases per route.
const dir = mkdtempSync(join(tmpdir(), 'dingtalk-fuzz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('every route answers fuzzed input with a typed error below 500, leaking nothing to responses or logs', async () => {
  const url = `sqlite:${join(dir, 'fuzz.sqlite')}`
  const report = await fuzzRoutes({
    runsPerRoute: 60,
    store: url,
    stateStore: url,
    tablePrefix: `f${randomBytes(4).toString('hex')}_`,
  })
  expect(Object.keys(report.perRoute).sort()).toEqual([
    'GET /authorize',
    'GET /callback',
    'GET /config',
    'GET /session',
    'POST /events',
    'POST /login/qr',
    'POST /login/workbench',
    'POST /logout',
  ])
  // Every generated case reaches the handler: none is dropped as a header no client could send.
  for (const sent of Object.values(report.perRoute)) expect(sent).toBeGreaterThanOrEqual(60)
  expect(report.counts.examples).toEqual([])
  expect(report.counts).toMatchObject({ serverErrors: 0, all5xx: 0, untypedErrors: 0, leaks: 0 })
}, 60_000)

it('the watch itself catches a 500, an untyped error, a leaked secret and a stack trace', async () => {
  const { LeakWatch } = await import('./leakChecks')
  const watch = new LeakWatch()
  watch.secret('app-secret-0123456789')
  watch.logSecret('session-token-0123456789')
  await watch.response('a', new Response('{"error":{"code":"server_error","message":"x"}}', { status: 500 }))
  await watch.response('b', new Response('{"error":"oops"}', { status: 400 }))
  await watch.response('c', new Response('{"ok":"app-secret-0123456789"}', { status: 200 }))
  await watch.response('d', new Response('{"ok":"session-token-0123456789"}', { status: 200 }))
  watch.logLine('error {"stack":"Error: x\\n    at handler (/srv/app/index.js:10:5)"}')
  watch.logLine('info session-token-0123456789')
  expect(watch.counts).toMatchObject({ requests: 4, serverErrors: 1, all5xx: 1, untypedErrors: 1, leaks: 3 })
})
