/** Calls counted by the emulator (DingTalk API calls only: v1.0 and oapi, not pages or the test API). */
export interface EmulatorStats {
  total: number
  /** e.g. `'POST /v1.0/oauth2/accessToken'`, `'GET /gettoken'`, `'GET /v1.0/contact/users/{unionId}'`. */
  byEndpoint: Record<string, number>
  /** clientId (appKey) → endpoint key → count, when the app is known from credentials or the token. */
  byApp: Record<string, Record<string, number>>
}

export interface StatsRecorder {
  record(endpoint: string, clientId: string | undefined): void
  snapshot(): EmulatorStats
  clear(): void
}

export function createStatsRecorder(): StatsRecorder {
  let stats: EmulatorStats = { total: 0, byEndpoint: {}, byApp: {} }
  return {
    record(endpoint, clientId) {
      stats.total++
      stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1
      if (clientId) {
        const app = (stats.byApp[clientId] ??= {})
        app[endpoint] = (app[endpoint] ?? 0) + 1
      }
    },
    snapshot: () => structuredClone(stats),
    clear() {
      stats = { total: 0, byEndpoint: {}, byApp: {} }
    },
  }
}
