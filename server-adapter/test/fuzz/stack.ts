import {
  createDingTalkAuth,
  createDingTalkHandler,
  createSqlBindingStore,
  createStateStore,
} from 'dingtalk-login-server'
import type { DingTalkAuth, DingTalkHandler, Logger } from 'dingtalk-login-server'
import { startEmulator } from 'dingtalk-emulator'
import type { EmulatorOptions, RunningEmulator } from 'dingtalk-emulator'
import type { LeakWatch } from './leakChecks'

export const ORIGIN = 'http://127.0.0.1:3000'
export const BASE = '/api/auth/dingtalk'
/** The HTTP-callback keys of the first instance (`directory.events: 'callback'`), so `POST /events` is served. */
export const CALLBACK_TOKEN = 'fuzz-callback-token-0123'
export const CALLBACK_AES_KEY = 'fuzzCallbackAesKey0123456789abcdefghijklmno'

/** The emulator, a login core and its HTTP handler, as a deployment runs them; every log line goes to `watch`. */
export interface LoginStack {
  emu: RunningEmulator
  auth: DingTalkAuth
  http: DingTalkHandler
  sessionSecret: string
  close(): Promise<void>
}

function watchingLogger(watch: LeakWatch): Logger {
  const record = (level: string) => (objOrMsg: Record<string, unknown> | string, msg?: string) =>
    watch.logLine(
      `${level} ${JSON.stringify(objOrMsg, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message, stack: value.stack, cause: value.cause } : value))} ${msg ?? ''}`,
    )
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }
}

export async function startLoginStack(options: {
  watch: LeakWatch
  store: string
  stateStore: string
  tablePrefix: string
  emulator?: EmulatorOptions
  /** Per DingTalk call; short in the soak so that injected timeouts cost little. */
  timeoutMs?: number
}): Promise<LoginStack> {
  const emu = await startEmulator({ port: 0, ipRateLimit: false, ...options.emulator })
  const sessionSecret = `soak-session-secret-${Math.random().toString(36).slice(2)}-0123456789`
  options.watch.secret(sessionSecret)
  options.watch.secret(CALLBACK_TOKEN)
  options.watch.secret(CALLBACK_AES_KEY)
  for (const app of emu.fixture.apps) options.watch.secret(app.clientSecret)
  const auth = await createDingTalkAuth({
    instances: emu.fixture.apps.slice(0, 2).map((app, index) => ({
      name: `proof${index}`,
      authConfig: {
        appKey: app.clientId,
        appSecret: app.clientSecret,
        agentId: app.agentId,
        corpId: app.corpId,
      },
    })),
    // The first instance takes HTTP callbacks; nothing is started, POST /events is served all the same.
    directory: {
      fullSyncEvery: false,
      leaveRecordsEvery: false,
      instances: {
        proof0: { events: 'callback', callback: { token: CALLBACK_TOKEN, aesKey: CALLBACK_AES_KEY } },
      },
    },
    store: options.store as never,
    tablePrefix: options.tablePrefix,
    logger: watchingLogger(options.watch),
    dingtalk: {
      apiBase: emu.url,
      oapiBase: emu.url,
      loginBase: emu.url,
      timeoutMs: options.timeoutMs ?? 2_000,
      retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 },
    },
  })
  const { store: stateStore } = await createStateStore(options.stateStore as never, {
    tablePrefix: options.tablePrefix,
    keyPrefix: options.tablePrefix,
  })
  const http = createDingTalkHandler(auth, {
    directory: auth.directory,
    session: { secret: sessionSecret },
    stateStore,
    defaultInstance: auth.instances[0]!.name,
    allowedOrigins: [ORIGIN],
  })
  return {
    emu,
    auth,
    http,
    sessionSecret,
    async close() {
      await auth.close()
      await (stateStore as { close?: () => Promise<void> }).close?.()
      await emu.close()
      // A shared database keeps no tables of a finished run (the prefix is the run's own).
      if (/^(postgres|mysql|mariadb)/.test(options.store)) {
        const tables = await createSqlBindingStore({ url: options.store, tablePrefix: options.tablePrefix })
        await tables.dropTables()
        await tables.close()
      }
    },
  }
}
