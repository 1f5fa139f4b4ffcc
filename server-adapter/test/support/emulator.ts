import { DingTalkAuthError, createDingTalkAuth } from 'dingtalk-login-server'
import { expect } from 'vitest'
import type { DingTalkAuth, DingTalkAuthOptions, DingTalkInstanceInput, Logger } from 'dingtalk-login-server'
import { startEmulator } from 'dingtalk-emulator'
import type { EmulatorOptions, RunningEmulator } from 'dingtalk-emulator'

export type { RunningEmulator }

/** The default fixture's corps and apps, by role. */
export const CORP_A = 'ding14baf2538452a2d9d39123d5899249cb' // 杭州云栖科技
export const CORP_B = 'dinge3e10f41714ca803e1123e3ad40948f6' // 北京星河数据
export const APP_A = 'ding11n2pel2hylcaph2'
export const APP_B = 'dinga1g39iofjhm3kk0y'
export const APP_A_NO_CONTACT = 'ding81wisqgoq020531r'

/** People of the default fixture. */
export const ZHANG_WEI = { unionId: 'YFG8pm7VIM6iT1T0LYG2iE', userid: '0138261547271', mobile: '13800138001' } // corp A
export const LI_NA = { unionId: 'tOlAcfqdTRRLeyaJLrVviE', useridA: '01214738', useridB: 'lina' } // both corps
export const MA_CHAO = { unionId: 'fYZursttp0Sdj8qqVi0eiE' } // no corp
export const ZHOU_JIE = { unionId: 'smDXRmiRdYkESDxnTu1siE', userid: '0121998' } // external contact of B
export const ZHAO_MIN = { unionId: 'TSBxQOd2eQbXmuTdP77qiE', userid: '0267183945' } // corp B

export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, ...options })
}

/** Login instances for fixture apps, by clientId (the secrets come from the emulator's fixture). */
export function instancesFor(emu: RunningEmulator, clientIds: readonly string[]): DingTalkInstanceInput[] {
  return clientIds.map((clientId, index) => {
    const app = emu.fixture.apps.find((a) => a.clientId === clientId)
    if (!app) throw new Error(`no fixture app ${clientId}`)
    return {
      name: `dd${index}${clientId.slice(-4)}`,
      title: app.name,
      authConfig: {
        appKey: app.clientId,
        appSecret: app.clientSecret,
        agentId: app.agentId,
        corpId: app.corpId,
      },
    }
  })
}

/** A logger that keeps every entry as JSON text, to check what reaches logs. */
export function createRecordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const record =
    (level: string) =>
    (objOrMsg: Record<string, unknown> | string, msg?: string): void => {
      lines.push(`${level} ${JSON.stringify(objOrMsg)} ${msg ?? ''}`)
    }
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }
}

/** A login core pointed at the emulator (memory store, fast retries) unless overridden. */
export function createTestAuth(
  emu: RunningEmulator,
  overrides: Partial<DingTalkAuthOptions> & { clientIds?: readonly string[] } = {},
): Promise<DingTalkAuth> {
  const { clientIds = [APP_A, APP_B], ...rest } = overrides
  return createDingTalkAuth({
    instances: instancesFor(emu, clientIds),
    store: 'memory',
    logger: createRecordingLogger(),
    ...rest,
    dingtalk: {
      apiBase: emu.url,
      oapiBase: emu.url,
      loginBase: emu.url,
      timeoutMs: 2_000,
      retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 },
      ...rest.dingtalk,
    },
  })
}

async function post<T>(emu: RunningEmulator, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${emu.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const data = (await response.json()) as T
  if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status} ${JSON.stringify(data)}`)
  return data
}

/** An OAuth authCode as the QR flow would produce (`POST /__emulator/oauth-code`). */
export async function mintOAuthCode(
  emu: RunningEmulator,
  input: { clientId: string; userid?: string; unionId?: string; scope?: string; corpId?: string },
): Promise<string> {
  return (await post<{ code: string }>(emu, '/__emulator/oauth-code', input)).code
}

/** A free-login code as `dd.requestAuthCode` would produce (`POST /__emulator/free-login-code`). */
export async function mintFreeLoginCode(
  emu: RunningEmulator,
  input: { corpId: string; userid?: string; unionId?: string; clientId?: string },
): Promise<string> {
  return (await post<{ code: string }>(emu, '/__emulator/free-login-code', input)).code
}

/** Injects a fault (`POST /__emulator/faults`). */
export async function addFault(emu: RunningEmulator, fault: Record<string, unknown>): Promise<void> {
  await post(emu, '/__emulator/faults', fault)
}

/** Advances the emulator's clock (`POST /__emulator/clock`). */
export async function advanceEmulatorClock(emu: RunningEmulator, advanceMs: number): Promise<void> {
  await post(emu, '/__emulator/clock', { advanceMs })
}

/** Call counts per endpoint since the last reset, or since `mark` (a {@link markCalls} snapshot). */
export function calls(emu: RunningEmulator, mark?: Record<string, number>): Record<string, number> {
  const now = emu.stats().byEndpoint
  if (!mark) return now
  const out: Record<string, number> = {}
  for (const [endpoint, count] of Object.entries(now)) {
    const diff = count - (mark[endpoint] ?? 0)
    if (diff > 0) out[endpoint] = diff
  }
  return out
}

/** A snapshot of the call counts, for {@link calls} (resetting the emulator would also forget its tokens). */
export function markCalls(emu: RunningEmulator): Record<string, number> {
  return { ...emu.stats().byEndpoint }
}

/** Endpoint keys as the emulator's stats name them. */
export const EP = {
  appToken: 'POST /v1.0/oauth2/accessToken',
  userToken: 'POST /v1.0/oauth2/userAccessToken',
  me: 'GET /v1.0/contact/users/{unionId}',
  getUserInfo: 'POST /topapi/v2/user/getuserinfo',
  byUnionId: 'POST /topapi/user/getbyunionid',
  userGet: 'POST /topapi/v2/user/get',
} as const

/** Awaits a login that must fail and returns its typed error (fails the test when it resolves or throws otherwise). */
export async function expectAuthError(promise: Promise<unknown>): Promise<DingTalkAuthError> {
  const error = await promise.then(
    () => new Error('expected the login to fail'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DingTalkAuthError)
  return error as DingTalkAuthError
}

/** A workbench login over HTTP with the built-in sessions: the local user and the session token. */
export async function workbenchSessionLogin(
  emu: RunningEmulator,
  auth: DingTalkAuth,
  userid: string,
): Promise<{ userId: string; token: string }> {
  const authCode = await mintFreeLoginCode(emu, { corpId: CORP_A, userid })
  const response = await auth.handler(
    new Request('http://127.0.0.1:3000/api/auth/dingtalk/login/workbench', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ corpId: CORP_A, authCode, platform: 'web' }),
    }),
  )
  expect(response.status).toBe(200)
  const body = (await response.json()) as { userId: string; session: { token: string } }
  return { userId: body.userId, token: body.session.token }
}

/** The HTTP status of `GET /session` with the token: 200 while the session holds, 401 once it ended. */
export async function sessionStatus(auth: DingTalkAuth, token: string): Promise<number> {
  const response = await auth.handler(
    new Request('http://127.0.0.1:3000/api/auth/dingtalk/session', {
      headers: { authorization: `Bearer ${token}` },
    }),
  )
  return response.status
}
