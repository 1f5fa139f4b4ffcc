import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** One named check of a CI block, as the summary line counts it. */
export interface CheckOutcome {
  name: string
  passed: boolean
  ms: number
  error?: string
}

/** Runs a block's steps in order, prints one line per step, and stops at the first failure. */
export interface CheckRun {
  step(name: string, run: () => Promise<void>): Promise<void>
  /** Writes `{ passed, failed, checks }` to `resultFile` and answers the exit code. */
  finish(resultFile: string | undefined): number
}

/** Raised by a step after the first failure: the later steps depend on the earlier ones and are not run. */
class SkippedAfterFailure extends Error {}

export function createCheckRun(block: string): CheckRun {
  const outcomes: CheckOutcome[] = []
  let failed = false
  return {
    async step(name, run) {
      if (failed) throw new SkippedAfterFailure(name)
      const started = Date.now()
      try {
        await run()
        outcomes.push({ name, passed: true, ms: Date.now() - started })
        console.log(`✓ ${block}: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
      } catch (error) {
        failed = true
        const message = error instanceof Error ? error.message : String(error)
        outcomes.push({ name, passed: false, ms: Date.now() - started, error: message })
        console.log(`✗ ${block}: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n${message}`)
        throw new SkippedAfterFailure(name)
      }
    },
    finish(resultFile) {
      const passed = outcomes.filter((o) => o.passed).length
      const failedCount = outcomes.length - passed
      console.log(`${block}: ${passed} passed, ${failedCount} failed`)
      if (resultFile) {
        mkdirSync(dirname(resultFile), { recursive: true })
        writeFileSync(
          resultFile,
          JSON.stringify({ block, passed, failed: failedCount, checks: outcomes }, null, 2),
        )
      }
      return failedCount === 0 && outcomes.length > 0 ? 0 : 1
    },
  }
}

/** True for the error a step throws after an earlier failure (the block then just finishes). */
export const isSkippedAfterFailure = (error: unknown) => error instanceof SkippedAfterFailure
