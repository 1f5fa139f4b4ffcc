import type { DingTalkAuth } from 'dingtalk-login-server'
import type { FirstSyncView } from '../web/directoryView'

/** The demo's directory sync: one full crawl, then Stream mode. */
export interface DemoDirectorySync {
  /** How the first full crawl of this start went. */
  firstSync(): FirstSyncView
  /** Aborts a crawl still running, then stops Stream mode and the schedule. Never rejects. */
  stop(): Promise<void>
}

/**
 * The emulator starts from its fixture on every start while the SQLite file remembers the last run, so a full crawl
 * first brings the stored directory in line (whoever left last time is back), and only then does
 * `auth.directory.start()` open Stream mode; events published meanwhile wait in the emulator, as DingTalk keeps
 * unacknowledged ones. Runs in the background: the page is up at once and shows the crawl running.
 */
export function startDirectorySync(auth: DingTalkAuth): DemoDirectorySync {
  const abort = new AbortController()
  let state: FirstSyncView = { state: 'running' }
  const running = auth.directory
    .sync({ signal: abort.signal })
    .then(async (report) => {
      const { people } = report
      state = {
        state: 'done',
        departments: report.departments.total,
        people: people.added + people.changed + people.rehired + people.unchanged,
        left: people.left,
        rehired: people.rehired,
        apiCalls: report.apiCalls,
        durationMs: report.durationMs,
        complete: report.complete,
      }
      if (abort.signal.aborted) return
      // The crawl is done either way; the page then shows Stream mode still connecting, the log says why.
      await auth.directory
        .start()
        .catch((error: unknown) =>
          auth.logger.error(
            { err: error },
            'demo: Stream mode did not start; the directory follows no events',
          ),
        )
    })
    .catch((error: unknown) => {
      if (abort.signal.aborted) return
      state = { state: 'failed', message: error instanceof Error ? error.message : String(error) }
      auth.logger.error({ err: error }, 'demo: the first full crawl failed')
    })
  return {
    firstSync: () => state,
    async stop() {
      abort.abort()
      await running
      await auth.directory.stop().catch(() => undefined)
    },
  }
}
