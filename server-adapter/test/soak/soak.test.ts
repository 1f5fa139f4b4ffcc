import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type {} from '../support/services'
import { soakLogins } from './soakLogins'

// Small here (seconds); `npm run soak` runs ≥ 5,000 logins per store combination.
const services = inject('services')
const dir = mkdtempSync(join(tmpdir(), 'dingtalk-soak-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const combinations = [
  {
    name: 'SQLite',
    skip: false,
    store: () => `sqlite:${join(dir, 'soak.sqlite')}`,
    stateStore: () => `sqlite:${join(dir, 'soak.sqlite')}`,
  },
  {
    name: 'PostgreSQL + Redis',
    skip: !services.postgres || !services.redis,
    store: () => services.postgres!,
    stateStore: () => services.redis!,
  },
]

describe.each(combinations)('fault soak on $name', ({ skip, store, stateStore }) => {
  it.skipIf(skip)(
    'upstream faults end in typed 502/503/504 or 429 answers: no 500, no leak, one local user per person',
    async () => {
      const report = await soakLogins({
        logins: 120,
        concurrency: 8,
        store: store(),
        stateStore: stateStore(),
        faultRatePerKind: 0.03,
      })
      expect(report.counts.examples).toEqual([])
      expect(report).toMatchObject({
        duplicateBindings: 0,
        counts: { serverErrors: 0, untypedErrors: 0, leaks: 0 },
      })
      // The soak did log people in, and the faults did bite.
      expect(report.succeeded).toBeGreaterThan(20)
      expect(Object.keys(report.byStatus).some((status) => Number(status) >= 429)).toBe(true)
    },
    90_000,
  )
})
