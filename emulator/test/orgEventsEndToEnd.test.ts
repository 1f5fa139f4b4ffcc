import type { DWClient } from 'dingtalk-stream'
import { afterEach, describe, expect, it } from 'vitest'
import { emulator, get, postJson, yunqi, yunqiApp } from './helpers'
import { pointStreamSdkAt, recordingClient } from './streamClient'

const clients: DWClient[] = []
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect()
})

describe('organisation changes reach the official Stream client', () => {
  it('POST /__emulator/org/leave → DWClient receives user_leave_org, acks it, and it is not sent again', async () => {
    const e = await emulator({ stream: { redeliveryMs: 300, pingIntervalMs: false } })
    pointStreamSdkAt(e.url)
    const { client, frames } = recordingClient(yunqiApp)
    clients.push(client)
    await client.connect()
    await expect.poll(() => e.stream.connections(yunqiApp.clientId).length, { timeout: 5000 }).toBe(1)

    const left = await postJson(`${e.url}/__emulator/org/leave`, { corpId: yunqi, userid: '01214738' })
    expect(left.status).toBe(200)
    await expect.poll(() => frames.length).toBe(1)
    expect(frames[0]!.headers).toMatchObject({ eventType: 'user_leave_org', eventCorpId: yunqi })
    expect(JSON.parse(frames[0]!.data)).toMatchObject({ userId: ['01214738'] })

    const hired = await postJson(`${e.url}/__emulator/org/people`, {
      corpId: yunqi,
      name: '赵六',
      deptIds: [1],
    })
    await expect.poll(() => frames.length).toBe(2)
    expect(frames[1]!.headers.eventType).toBe('user_add_org')
    expect(JSON.parse(frames[1]!.data).userId).toEqual([hired.body.userid])

    await new Promise((resolve) => setTimeout(resolve, 900))
    expect(frames).toHaveLength(2)
    const events = await get(`${e.url}/__emulator/events?clientId=${yunqiApp.clientId}`)
    const listed = events.body.events as {
      eventType: string
      deliveries: { clientId: string; status: string }[]
    }[]
    expect(listed.map((ev) => ev.eventType)).toEqual(['user_leave_org', 'user_add_org'])
    for (const ev of listed)
      expect(ev.deliveries.find((d) => d.clientId === yunqiApp.clientId)).toMatchObject({
        status: 'acked',
        attempts: 1,
      })
  })
})
