import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { createStreamClient } from '../../src/directory/createStreamClient'
import type { StreamClient, StreamEventFrame } from '../../src/directory/createStreamClient'
import { createRecordingLogger } from '../support/emulator'

// A gateway of our own: DingTalk's would never send these frames, but a proxy or a broken gateway could, and the
// client must not take the process down for them.
let gateway: WebSocketServer | undefined
let client: StreamClient | undefined

afterEach(async () => {
  await client?.stop()
  await new Promise((resolve) => gateway?.close(resolve))
})

it('ignores frames that are not JSON objects (null, a number, text, an array) and goes on with the next', async () => {
  gateway = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await once(gateway, 'listening')
  const endpoint = `ws://127.0.0.1:${(gateway.address() as AddressInfo).port}`
  const acks: unknown[] = []
  gateway.on('connection', (socket) => {
    socket.on('message', (data) => acks.push(JSON.parse(String(data))))
    for (const junk of ['null', '42', '"text"', '[]', 'not json']) socket.send(junk)
    socket.send(
      JSON.stringify({
        type: 'EVENT',
        headers: { messageId: 'm-1', eventId: 'e-1', eventType: 'user_add_org' },
        data: JSON.stringify({ userId: ['u1'] }),
      }),
    )
  })
  const events: StreamEventFrame[] = []
  const logger = createRecordingLogger()
  client = createStreamClient({
    apiBase: 'http://gateway.invalid',
    clientId: 'app',
    clientSecret: 'secret',
    logger,
    fetch: async () => Response.json({ endpoint, ticket: 't-1' }),
    onEvent: async (frame) => {
      events.push(frame)
      return 'SUCCESS'
    },
  })
  await client.start()
  await expect.poll(() => acks.length).toBe(1)
  expect(events).toHaveLength(1)
  expect(events[0]).toMatchObject({ headers: { eventId: 'e-1' }, data: { userId: ['u1'] } })
  expect(acks[0]).toMatchObject({ code: 200, headers: { messageId: 'm-1' } })
  expect(logger.lines.filter((line) => line.includes('not a JSON object'))).toHaveLength(5)
})
