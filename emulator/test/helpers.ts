import { defaultFixture, startEmulator } from 'dingtalk-emulator'
import type { EmulatorOptions, RunningEmulator } from 'dingtalk-emulator'
import { afterEach, expect } from 'vitest'

export const [yunqiApp, xingheApp, noContactApp, unpublishedApp] = defaultFixture.apps as [
  (typeof defaultFixture.apps)[number],
  (typeof defaultFixture.apps)[number],
  (typeof defaultFixture.apps)[number],
  (typeof defaultFixture.apps)[number],
]
export const [yunqi, xinghe] = defaultFixture.corps.map((c) => c.corpId) as [string, string]

/** 张伟, main admin of 云栖. */
export const zhangwei = { userid: '0138261547271', unionId: 'YFG8pm7VIM6iT1T0LYG2iE' }
/** 李娜: member of both corps. */
export const lina = { yunqiUserid: '01214738', xingheUserid: 'lina', unionId: 'tOlAcfqdTRRLeyaJLrVviE' }
/** 马超: in no corp. */
export const machao = { unionId: 'fYZursttp0Sdj8qqVi0eiE' }

const running: RunningEmulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()))
})

/** Starts an emulator on a random port, closed after the test. */
export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const e = await startEmulator({ port: 0, ...options })
  running.push(e)
  return e
}

export interface Answer {
  status: number
  contentType: string
  body: Record<string, unknown>
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text()
  let body: Record<string, unknown>
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 200)}`)
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body }
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  )
}

export async function postForm(url: string, body: Record<string, string>): Promise<Answer> {
  return answer(await fetch(url, { method: 'POST', body: new URLSearchParams(body) }))
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(url, { headers }))
}

export const V1_REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
export const OAPI_REQUEST_ID = /^[a-z0-9]{13}$/

/** A v1.0 error: status, `{ code, message, requestid }`. */
export function expectV1Error(a: Answer, status: number, code: string, message?: string): void {
  expect(a.status).toBe(status)
  expect(a.body.code).toBe(code)
  expect(a.body.requestid).toMatch(V1_REQUEST_ID)
  expect(typeof a.body.message).toBe('string')
  if (message !== undefined) expect(a.body.message).toBe(message)
}

/** An oapi error: HTTP 200, errcode, errmsg, request_id. */
export function expectOapiError(a: Answer, errcode: number, errmsg?: string): void {
  expect(a.status).toBe(200)
  expect(a.body.errcode).toBe(errcode)
  expect(a.body.request_id).toMatch(OAPI_REQUEST_ID)
  if (errmsg !== undefined) expect(a.body.errmsg).toBe(errmsg)
}

export async function appToken(url: string, app = yunqiApp): Promise<string> {
  const a = await postJson(`${url}/v1.0/oauth2/accessToken`, {
    appKey: app.clientId,
    appSecret: app.clientSecret,
  })
  expect(a.status).toBe(200)
  return a.body.accessToken as string
}

export async function userToken(url: string, code: string, app = yunqiApp): Promise<Answer> {
  return postJson(`${url}/v1.0/oauth2/userAccessToken`, {
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    code,
    grantType: 'authorization_code',
  })
}
