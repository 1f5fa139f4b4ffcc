import { DWClient } from 'dingtalk-stream'
import type { DWClientDownStream } from 'dingtalk-stream'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { emulator, postJson, xingheApp, yunqi, yunqiApp } from './helpers'
import { pointStreamSdkAt, recordingClient } from './streamClient'

const clients: DWClient[] = []
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect()
})

function track<T extends { client: DWClient }>(recording: T): T {
  clients.push(recording.client)
  return recording
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Starts the emulator with quick redelivery and no automatic pings, and points the SDK at it. */
async function streamEmulator(stream: Parameters<typeof emulator>[0] = {}) {
  const e = await emulator({
    ...stream,
    stream: { redeliveryMs: 300, pingIntervalMs: false, ...stream.stream },
  })
  pointStreamSdkAt(e.url)
  return e
}

async function connected(e: Awaited<ReturnType<typeof emulator>>, clientId: string, count = 1) {
  await expect.poll(() => e.stream.connections(clientId).length, { timeout: 5000 }).toBe(count)
}

const leave = (userid: string) => ({ eventType: 'user_leave_org' as const, corpId: yunqi, userIds: [userid] })

describe('POST /v1.0/gateway/connections/open', () => {
  it('answers JSON with a ws endpoint and a ticket, or XML without Accept: application/json', async () => {
    const e = await emulator()
    const body = {
      clientId: yunqiApp.clientId,
      clientSecret: yunqiApp.clientSecret,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    }
    const json = await postJson(`${e.url}/v1.0/gateway/connections/open`, body, {
      accept: 'application/json',
    })
    expect(json.status).toBe(200)
    expect(json.body).toEqual({
      endpoint: `${e.url.replace('http', 'ws')}/connect`,
      ticket: expect.any(String),
    })

    const xml = await fetch(`${e.url}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(xml.headers.get('content-type')).toContain('application/xml')
    expect(await xml.text()).toMatch(
      /^<\?xml .*<endpoint>ws:\/\/.*\/connect<\/endpoint><ticket>[\w-]+<\/ticket>/,
    )
    expect(e.stats().byEndpoint['POST /v1.0/gateway/connections/open']).toBe(2)
  })

  it('refuses wrong credentials, an unpublished app and an EVENT topic other than *', async () => {
    const e = await emulator()
    const open = (body: object) =>
      postJson(`${e.url}/v1.0/gateway/connections/open`, body, { accept: 'application/json' })
    const subscriptions = [{ type: 'EVENT', topic: '*' }]
    const wrong = await open({ clientId: yunqiApp.clientId, clientSecret: 'nope', subscriptions })
    expect(wrong.status).toBe(400)
    expect(wrong.body.code).toBe('invalidClientIdOrSecret')
    expect(JSON.stringify(wrong.body)).not.toContain(yunqiApp.clientSecret)
    const draft = e.fixture.apps.find((a) => !a.published)!
    expect(
      (await open({ clientId: draft.clientId, clientSecret: draft.clientSecret, subscriptions })).body.code,
    ).toBe('invalidClientIdOrSecret')
    const topic = await open({
      clientId: yunqiApp.clientId,
      clientSecret: yunqiApp.clientSecret,
      subscriptions: [{ type: 'EVENT', topic: 'user_leave_org' }],
    })
    expect(topic.status).toBe(400)
    expect(topic.body.code).toBe('invalidParameter.subscriptions')
    expect((await open({ clientSecret: 'x', subscriptions })).body.code).toBe('MissingclientId')
  })

  it('counts in stats and takes faults like any DingTalk call', async () => {
    const e = await emulator()
    e.addFault({ endpoint: 'POST /v1.0/gateway/connections/open', kind: 'busy', count: 1 })
    const body = {
      clientId: yunqiApp.clientId,
      clientSecret: yunqiApp.clientSecret,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    }
    const url = `${e.url}/v1.0/gateway/connections/open`
    expect((await postJson(url, body, { accept: 'application/json' })).status).toBe(503)
    expect((await postJson(url, body, { accept: 'application/json' })).status).toBe(200)
    expect(e.stats().byApp[yunqiApp.clientId]).toBeDefined()
  })

  it('tickets are single use and expire after 90 s on the emulator clock', async () => {
    const e = await emulator()
    const ticket = async () =>
      (
        await postJson(
          `${e.url}/v1.0/gateway/connections/open`,
          {
            clientId: yunqiApp.clientId,
            clientSecret: yunqiApp.clientSecret,
            subscriptions: [{ type: 'EVENT', topic: '*' }],
          },
          { accept: 'application/json' },
        )
      ).body as { endpoint: string; ticket: string }
    const attempt = (endpoint: string, t: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${endpoint}?ticket=${t}`)
        socket.on('open', () => {
          socket.close()
          resolve(101)
        })
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        socket.on('error', () => undefined)
      })
    const first = await ticket()
    expect(await attempt(first.endpoint, first.ticket)).toBe(101)
    expect(await attempt(first.endpoint, first.ticket)).toBe(401)
    const second = await ticket()
    // Listed while unused: the used one is gone.
    expect(e.stream.tickets(yunqiApp.clientId).map((t) => t.ticket)).toEqual([second.ticket])
    const listed = (await fetch(`${e.url}/__emulator/stream/tickets?clientId=${yunqiApp.clientId}`).then(
      (r) => r.json(),
    )) as { tickets: { ticket: string }[] }
    expect(listed.tickets.map((t) => t.ticket)).toEqual([second.ticket])
    e.clock.advance(90_000)
    expect(e.stream.tickets()).toEqual([])
    expect(await attempt(second.endpoint, second.ticket)).toBe(401)
    expect(await attempt(first.endpoint, 'made-up')).toBe(401)
  })
})

describe('the official dingtalk-stream DWClient against the emulator', () => {
  it('receives an event with the documented headers and data, acks it, and is not sent it again', async () => {
    const e = await streamEmulator()
    const { client, frames } = track(recordingClient(yunqiApp))
    await client.connect()
    await connected(e, yunqiApp.clientId)

    const event = e.publishEvent(leave('0138261547271'))
    await expect.poll(() => frames.length).toBe(1)
    const [frame] = frames as [DWClientDownStream]
    expect(frame.specVersion).toBe('1.0')
    expect(frame.type).toBe('EVENT')
    const [connection] = e.stream.connections(yunqiApp.clientId)
    expect(frame.headers).toEqual({
      appId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      connectionId: connection!.connectionId,
      contentType: 'application/json',
      messageId: expect.any(String),
      time: expect.stringMatching(/^\d{13}$/),
      topic: '*',
      eventType: 'user_leave_org',
      eventId: event.eventId,
      eventBornTime: String(event.bornTime),
      eventCorpId: yunqi,
      eventUnifiedAppId: frame.headers.appId,
    })
    expect(typeof frame.data).toBe('string')
    expect(JSON.parse(frame.data)).toEqual({ timeStamp: String(event.bornTime), userId: ['0138261547271'] })

    await sleep(900) // three redelivery delays
    expect(frames).toHaveLength(1)
    // Only the apps of the event's corp get it: 星河's app has no delivery.
    const [record] = e.events()
    expect(record!.deliveries.filter((d) => d.channel === 'stream')).toEqual(
      expect.arrayContaining([
        { clientId: yunqiApp.clientId, channel: 'stream', attempts: 1, status: 'acked' },
      ]),
    )
    expect(record!.deliveries.some((d) => d.clientId === xingheApp.clientId)).toBe(false)
  })

  it('sends an event again after a LATER ack, and after no ack at all', async () => {
    const e = await streamEmulator()
    let later = 2
    const { client, frames } = track(recordingClient(yunqiApp, () => (later-- > 0 ? 'LATER' : 'SUCCESS')))
    await client.connect()
    await connected(e, yunqiApp.clientId)
    const event = e.publishEvent(leave('01214738'))
    await expect.poll(() => frames.length, { timeout: 5000 }).toBe(3)
    expect(new Set(frames.map((f) => f.headers.eventId))).toEqual(new Set([event.eventId]))
    expect(new Set(frames.map((f) => f.headers.messageId)).size).toBe(3)
    await expect
      .poll(() => e.events()[0]!.deliveries.find((d) => d.clientId === yunqiApp.clientId))
      .toMatchObject({ attempts: 3, status: 'acked' })

    // A client whose handler never acks (the SDK's onEvent replaced): the event comes again.
    class SilentClient extends DWClient {
      readonly seen: string[] = []
      override onEvent(message: DWClientDownStream): void {
        this.seen.push(message.headers.eventId!)
      }
    }
    client.disconnect()
    await connected(e, yunqiApp.clientId, 0)
    const silent = new SilentClient({ clientId: yunqiApp.clientId, clientSecret: yunqiApp.clientSecret })
    clients.push(silent)
    await silent.connect()
    await connected(e, yunqiApp.clientId)
    const unacked = e.publishEvent(leave('01214738'))
    await expect.poll(() => silent.seen.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2)
    expect(silent.seen.slice(0, 2)).toEqual([unacked.eventId, unacked.eventId])
    expect(e.events().find((r) => r.eventId === unacked.eventId)!.deliveries[0]).toMatchObject({
      status: 'pending',
      lastError: 'no ack within 300 ms',
    })
  })

  it('loses no event across a SYSTEM disconnect: the SDK reconnects and gets what was published meanwhile', async () => {
    const e = await streamEmulator()
    const { client, frames } = track(recordingClient(yunqiApp))
    await client.connect()
    await connected(e, yunqiApp.clientId)
    const [before] = e.stream.connections(yunqiApp.clientId)

    expect(e.stream.disconnect({ clientId: yunqiApp.clientId, closeAfterMs: 200 })).toBe(1)
    const during = e.publishEvent(leave('0138261547271')) // the only connection is draining
    await connected(e, yunqiApp.clientId, 0)
    const offline = e.publishEvent({ eventType: 'org_dept_create', corpId: yunqi, deptIds: [4242] })
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBe(2)
    const [after] = e.stream.connections(yunqiApp.clientId)
    expect(after!.connectionId).not.toBe(before!.connectionId)
    expect(frames.map((f) => f.headers.eventId).sort()).toEqual([during.eventId, offline.eventId].sort())
    expect(frames.every((f) => f.headers.connectionId === after!.connectionId)).toBe(true)
    expect(JSON.parse(frames.find((f) => f.headers.eventId === offline.eventId)!.data)).toEqual({
      timeStamp: String(offline.bornTime),
      deptId: [4242],
    })
    await expect
      .poll(() => e.events().map((r) => r.deliveries.find((d) => d.channel === 'stream')?.status))
      .toEqual(['acked', 'acked'])
  })

  it('answers SYSTEM pings, on demand and on the interval, and stays connected', async () => {
    const e = await streamEmulator({ stream: { pingIntervalMs: 150 } })
    const { client } = track(recordingClient(yunqiApp))
    await client.connect()
    await connected(e, yunqiApp.clientId)
    expect(e.stream.ping({ clientId: yunqiApp.clientId })).toBe(1)
    await expect
      .poll(() => e.stream.connections()[0]!.pingsAnswered, { timeout: 5000 })
      .toBeGreaterThanOrEqual(3)
    expect(e.stream.connections()).toHaveLength(1)
  })

  it('closes a connection that leaves a ping unanswered', async () => {
    const e = await streamEmulator({ stream: { pingIntervalMs: 150 } })
    const ticket = (
      await postJson(
        `${e.url}/v1.0/gateway/connections/open`,
        {
          clientId: yunqiApp.clientId,
          clientSecret: yunqiApp.clientSecret,
          subscriptions: [{ type: 'EVENT', topic: '*' }],
        },
        { accept: 'application/json' },
      )
    ).body as { endpoint: string; ticket: string }
    const socket = new WebSocket(`${ticket.endpoint}?ticket=${ticket.ticket}`)
    const topics: string[] = []
    socket.on('message', (data) =>
      topics.push((JSON.parse(String(data)) as { headers: { topic: string } }).headers.topic),
    )
    const closed = new Promise((resolve) => socket.on('close', resolve))
    await closed
    expect(topics).toEqual(['ping'])
    await expect.poll(() => e.stream.connections()).toEqual([])
  })

  it('stall: a connection goes silent without closing; events pushed into it are lost until it really closes', async () => {
    // No redelivery timer within the test: only the close moves the event.
    const e = await streamEmulator({ stream: { pingIntervalMs: 100, redeliveryMs: 60_000 } })
    async function open(): Promise<{ socket: WebSocket; eventIds: string[] }> {
      const ticket = (
        await postJson(
          `${e.url}/v1.0/gateway/connections/open`,
          {
            clientId: yunqiApp.clientId,
            clientSecret: yunqiApp.clientSecret,
            subscriptions: [{ type: 'EVENT', topic: '*' }],
          },
          { accept: 'application/json' },
        )
      ).body as { endpoint: string; ticket: string }
      const socket = new WebSocket(`${ticket.endpoint}?ticket=${ticket.ticket}`)
      const eventIds: string[] = []
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as {
          type: string
          headers: Record<string, string>
          data: string
        }
        if (frame.type === 'EVENT') eventIds.push(frame.headers.eventId!)
        // Answers SYSTEM pings as the SDK does, so the emulator keeps a live connection open.
        if (frame.type === 'SYSTEM' && frame.headers.topic === 'ping')
          socket.send(JSON.stringify({ code: 200, headers: frame.headers, message: 'OK', data: frame.data }))
      })
      await new Promise((resolve) => socket.once('open', resolve))
      return { socket, eventIds }
    }
    const pong = (socket: WebSocket) =>
      new Promise<boolean>((resolve) => {
        socket.once('pong', () => resolve(true))
        setTimeout(() => resolve(false), 400)
        socket.ping()
      })
    const first = await open()
    expect(await pong(first.socket)).toBe(true)

    const stalled = await postJson(`${e.url}/__emulator/stream/stall`, { clientId: yunqiApp.clientId })
    expect(stalled.body).toEqual({ stalled: 1 })
    expect(await pong(first.socket)).toBe(false)
    // Neither closed by the emulator's own (unanswered) SYSTEM pings nor fed: a black hole.
    await sleep(300)
    expect(first.socket.readyState).toBe(WebSocket.OPEN)
    expect(e.stream.connections(yunqiApp.clientId)).toEqual([expect.objectContaining({ stalled: true })])
    // DingTalk cannot tell the socket is dead: the event is pushed into it and lost.
    const event = e.publishEvent(leave('01214738'))
    await sleep(100)
    expect(first.eventIds).toEqual([])
    const inFlight = e.events(yunqiApp.clientId).find((r) => r.eventId === event.eventId)!
    expect(inFlight.deliveries.filter((d) => d.clientId === yunqiApp.clientId)).toEqual([
      expect.objectContaining({ attempts: 1, status: 'pending' }),
    ])
    // A new connection alone does not take it over: the stalled one still counts as open.
    const second = await open()
    await sleep(200)
    expect(second.eventIds).toEqual([])
    // Once the stalled one really closes (the client's heartbeat gave up on it), the next connection gets it.
    first.socket.terminate()
    await expect.poll(() => second.eventIds).toEqual([event.eventId])
    await expect.poll(() => e.stream.connections(yunqiApp.clientId)).toHaveLength(1)
    expect(e.stream.stall({ clientId: yunqiApp.clientId })).toBe(1)
    second.socket.terminate()
  })

  it('with several connections of one app, pushes each event on one of them; duplicates on demand', async () => {
    const e = await streamEmulator()
    const first = track(recordingClient(yunqiApp))
    const second = track(recordingClient(yunqiApp))
    await first.client.connect()
    await second.client.connect()
    await connected(e, yunqiApp.clientId, 2)
    const events = Array.from({ length: 6 }, (_, i) => e.publishEvent(leave(`user${i}`)))
    await expect.poll(() => first.frames.length + second.frames.length).toBe(6)
    await sleep(700)
    const seen = [...first.frames, ...second.frames].map((f) => f.headers.eventId).sort()
    expect(seen).toEqual(events.map((ev) => ev.eventId).sort())

    // DingTalk may push an event again even after the ack: clients deduplicate by eventId.
    expect(e.stream.duplicate({ eventId: events[0]!.eventId })).toBe(1)
    await expect.poll(() => first.frames.length + second.frames.length).toBe(7)
  })

  it('a dropped connection (no close frame) is reconnected by the SDK and nothing is lost', async () => {
    const e = await streamEmulator()
    const { client, frames } = track(recordingClient(yunqiApp))
    await client.connect()
    await connected(e, yunqiApp.clientId)
    expect(e.stream.drop({ clientId: yunqiApp.clientId })).toBe(1)
    await connected(e, yunqiApp.clientId, 0)
    const event = e.publishEvent(leave('01214738'))
    await expect
      .poll(() => frames.map((f) => f.headers.eventId), { timeout: 10_000 })
      .toEqual([event.eventId])
  })

  it('pushes nothing to an app whose fixture entry does not subscribe, and fails offline events with offlineEvents: drop', async () => {
    const fixture = structuredClone((await emulator()).fixture)
    fixture.apps = fixture.apps.map((a) => (a.clientId === yunqiApp.clientId ? { ...a, stream: false } : a))
    const e = await streamEmulator({ fixture, stream: { offlineEvents: 'drop' } })
    const { client, frames } = track(recordingClient(yunqiApp))
    await client.connect()
    await connected(e, yunqiApp.clientId)
    e.publishEvent(leave('01214738'))
    await sleep(400)
    expect(frames).toEqual([])
    const other = e.fixture.apps.find((a) => a.stream && a.corpId === yunqi)!
    expect(e.events()[0]!.deliveries).toEqual([
      {
        clientId: other.clientId,
        channel: 'stream',
        attempts: 0,
        status: 'failed',
        lastError: 'no open Stream connection',
      },
    ])
  })

  it('the test API disconnects, drops and lists connections', async () => {
    const e = await streamEmulator()
    const { client } = track(recordingClient(yunqiApp))
    await client.connect()
    await connected(e, yunqiApp.clientId)
    const listed = await fetch(`${e.url}/__emulator/stream/connections`).then((r) => r.json())
    expect(listed).toEqual({
      connections: [expect.objectContaining({ clientId: yunqiApp.clientId, events: true })],
    })
    const answer = await postJson(`${e.url}/__emulator/stream/disconnect`, {
      clientId: yunqiApp.clientId,
      closeAfterMs: 50,
    })
    expect(answer.body).toEqual({ disconnected: 1 })
    expect(e.stream.connections()[0]?.draining).toBe(true)
    const bad = await postJson(`${e.url}/__emulator/stream/disconnect`, { closeAfterMs: -1 })
    expect(bad.status).toBe(400)
  })
})
