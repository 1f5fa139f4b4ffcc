import { describe, expect, it } from 'vitest'
import { emulator, get, postJson, yunqiApp, zhangwei } from './helpers'

const loginUrl = (base: string) =>
  `${base}/oauth2/auth?${new URLSearchParams({
    iframe: 'true',
    redirect_uri: 'http://127.0.0.1:5173/api/auth/dingtalk/callback',
    response_type: 'code',
    client_id: yunqiApp.clientId,
    scope: 'openid',
    prompt: 'consent',
  })}`

async function openQrPage(base: string): Promise<string> {
  const html = await (await fetch(loginUrl(base))).text()
  return /data-session="([0-9a-f]+)"/.exec(html)![1]!
}

const poll = (base: string, id: string) => get(`${base}/__emulator/sessions/${id}`)
const listed = async (base: string) =>
  ((await get(`${base}/__emulator/sessions`)).body.sessions as { id: string }[]).map((s) => s.id)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Issue #14: the phone page listed the QR sessions of tabs closed long ago, until their QR lifetime ran out.
describe('QR sessions whose page is gone', () => {
  it('expire and leave the phone page list once their page stops polling', async () => {
    const e = await emulator({ qrPageGoneAfterMs: 1000 })
    const open = await openQrPage(e.url)
    const closed = await openQrPage(e.url)
    // Both pages poll, as the QR page does every 250 ms; then one tab is closed and only the other keeps polling.
    await poll(e.url, closed)
    let polling = true
    const openTab = (async () => {
      while (polling) {
        await poll(e.url, open)
        await sleep(100)
      }
    })()
    await sleep(1500)
    expect(await listed(e.url)).toEqual([open])
    expect((await poll(e.url, closed)).body.status).toBe('expired')
    const scan = await postJson(`${e.url}/__emulator/scan`, { session: closed, userid: zhangwei.userid })
    expect(scan.status).toBe(410)
    // The open page still logs in.
    const approved = await postJson(`${e.url}/__emulator/scan`, {
      session: open,
      userid: zhangwei.userid,
      approve: true,
    })
    expect(approved.body.status).toBe('approved')
    polling = false
    await openTab
  })

  it('keeps sessions no page ever polled (a login driven over plain HTTP) until the QR lifetime', async () => {
    const e = await emulator({ qrPageGoneAfterMs: 50 })
    const id = await openQrPage(e.url)
    await sleep(150)
    expect(await listed(e.url)).toEqual([id])
    expect(e.sessions().map((s) => s.id)).toEqual([id])
  })
})
