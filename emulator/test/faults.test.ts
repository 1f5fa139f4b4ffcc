import { describe, expect, it } from 'vitest'
import { appToken, emulator, expectOapiError, expectV1Error, get, postJson, yunqiApp } from './helpers'

const gettoken = (url: string) =>
  `${url}/gettoken?appkey=${yunqiApp.clientId}&appsecret=${yunqiApp.clientSecret}`
const accessToken = (url: string) =>
  postJson(`${url}/v1.0/oauth2/accessToken`, { appKey: yunqiApp.clientId, appSecret: yunqiApp.clientSecret })

describe('faults', () => {
  it('throttling: 90002 on oapi, 403 QpsLimitForApi on v1.0, for count calls', async () => {
    const e = await emulator()
    const added = await postJson(`${e.url}/__emulator/faults`, { kind: 'throttle', count: 2 })
    expect(added.body.fault).toMatchObject({
      id: expect.any(Number),
      kind: 'throttle',
      count: 2,
      remaining: 2,
    })
    expectOapiError(await get(gettoken(e.url)), 90002)
    expectV1Error(await accessToken(e.url), 403, 'Forbidden.AccessDenied.QpsLimitForApi')
    expect((await accessToken(e.url)).status).toBe(200)
    expect((await get(`${e.url}/__emulator/faults`)).body.faults).toEqual([])
  })

  it('targets one endpoint by stats key or by path', async () => {
    const e = await emulator()
    await postJson(`${e.url}/__emulator/faults`, { endpoint: 'POST /v1.0/oauth2/accessToken', kind: 'busy' })
    await postJson(`${e.url}/__emulator/faults`, { endpoint: '/topapi/v2/user/get', kind: 'busy' })
    expectV1Error(await accessToken(e.url), 503, 'ServiceUnavailable')
    expect((await get(gettoken(e.url))).body.errcode).toBe(0)
    const token = (await get(gettoken(e.url))).body.access_token as string
    expectOapiError(
      await postJson(`${e.url}/topapi/v2/user/get?access_token=${token}`, { userid: 'x' }),
      -1,
      '系统繁忙',
    )
    await fetch(`${e.url}/__emulator/faults`, { method: 'DELETE' })
    expect((await accessToken(e.url)).status).toBe(200)
  })

  it('IP whitelist: 60020 / 403 IpNotInWhiteList', async () => {
    const e = await emulator()
    e.addFault({ kind: 'ipWhitelist' })
    expectOapiError(await get(gettoken(e.url)), 60020)
    expectV1Error(await accessToken(e.url), 403, 'Forbidden.AccessDenied.IpNotInWhiteList')
  })

  it('custom errcode and v1.0 code/status', async () => {
    const e = await emulator()
    const oapi = e.addFault({ endpoint: 'GET /gettoken', errcode: 90001, errmsg: '所有请求都被暂时禁用了' })
    e.addFault({ endpoint: 'POST /v1.0/oauth2/accessToken', status: 400, code: 'qps.exceed.limit', count: 1 })
    expectOapiError(await get(gettoken(e.url)), 90001, '所有请求都被暂时禁用了')
    expectV1Error(await accessToken(e.url), 400, 'qps.exceed.limit')
    expect((await accessToken(e.url)).status).toBe(200)
    e.clearFaults(oapi)
    expect((await get(gettoken(e.url))).body.errcode).toBe(0)
  })

  it('non-JSON answers: the IP-ban body and an HTML page', async () => {
    const e = await emulator()
    e.addFault({ kind: 'ipBan', count: 1 })
    e.addFault({ kind: 'html', count: 1 })
    const ban = await (await fetch(gettoken(e.url))).json()
    expect(ban).toEqual({ status: 1111, wait: 5, source: 'x5', punish: 'deny', uuid: expect.any(String) })
    const html = await fetch(gettoken(e.url))
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/)
  })

  it('dropped connections and timeouts fail the client; latency slows it', async () => {
    const e = await emulator()
    e.addFault({ kind: 'drop', count: 1 })
    await expect(fetch(gettoken(e.url))).rejects.toThrow()
    e.addFault({ kind: 'timeout', count: 1 })
    await expect(fetch(gettoken(e.url), { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /abort|timeout/i,
    )
    e.addFault({ kind: 'timeout', latencyMs: 100, count: 1 })
    await expect(fetch(gettoken(e.url))).rejects.toThrow()
    e.addFault({ latencyMs: 150, count: 1 })
    const start = Date.now()
    expect((await get(gettoken(e.url))).body.errcode).toBe(0)
    expect(Date.now() - start).toBeGreaterThanOrEqual(140)
    expect((await get(gettoken(e.url))).body.errcode).toBe(0)
  })

  it('rate: 0 never fires, 1 always', async () => {
    const e = await emulator()
    e.addFault({ kind: 'busy', rate: 0 })
    for (let i = 0; i < 5; i++) expect((await get(gettoken(e.url))).body.errcode).toBe(0)
    e.clearFaults()
    e.addFault({ kind: 'busy', rate: 1 })
    for (let i = 0; i < 5; i++) expect((await get(gettoken(e.url))).body.errcode).toBe(-1)
  })

  it('rejects invalid faults', async () => {
    const e = await emulator()
    for (const body of [
      {},
      { kind: 'explode' },
      { kind: 'busy', rate: 2 },
      { kind: 'busy', count: 0 },
      { latencyMs: 'x' },
    ]) {
      const a = await postJson(`${e.url}/__emulator/faults`, body)
      expect(a.status, JSON.stringify(body)).toBe(400)
      expect(a.body.error).toMatchObject({ code: 'invalid_request' })
    }
    expect((await postJson(`${e.url}/__emulator/faults`, [1])).body.error).toMatchObject({
      code: 'invalid_json',
    })
    expect(() => e.addFault({ rate: 3, kind: 'busy' })).toThrow(TypeError)
  })

  it('latencyMs applies to API calls only', async () => {
    const e = await emulator({ latencyMs: 120 })
    let start = Date.now()
    await appToken(e.url)
    expect(Date.now() - start).toBeGreaterThanOrEqual(110)
    start = Date.now()
    await get(`${e.url}/__emulator/stats`)
    expect(Date.now() - start).toBeLessThan(100)
  })

  it('bans an IP over the rate limit with the non-JSON body, until the ban expires', async () => {
    const e = await emulator({ ipRateLimit: { calls: 3, windowMs: 20_000, banMs: 300_000 } })
    for (let i = 0; i < 3; i++) expect((await get(gettoken(e.url))).body.errcode).toBe(0)
    expect((await get(gettoken(e.url))).body).toMatchObject({ status: 1111, punish: 'deny' })
    e.clock.advance(60_000)
    expect((await get(gettoken(e.url))).body.status).toBe(1111)
    e.clock.advance(300_000)
    expect((await get(gettoken(e.url))).body.errcode).toBe(0)
  })
})
