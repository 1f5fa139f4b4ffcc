import type { EmulatorContext } from '../EmulatorContext'
import type { OrgEvent } from '../events/createEventHub'
import type { ResolvedStreamOptions } from './StreamOptions'
import type { DownstreamFrame, UpstreamAck } from './streamFrames'
import { ackStatus, eventFrame, newMessageId } from './streamFrames'

/** An open connection an event can be pushed on. */
export interface StreamSocket {
  connectionId: string
  clientId: string
  send(frame: DownstreamFrame): void
}

/** The events waiting for each app's ack, pushed on the connections the gateway offers. */
export interface StreamDelivery {
  /** Settles the event a client acked (`SUCCESS`) or schedules it again (`LATER`, no status). */
  onAck(ack: UpstreamAck): void
  /** An app has a new usable connection: push what waits for it. */
  onConnected(clientId: string): void
  /** A connection stopped taking events (closed, or draining after `disconnect`): move its unacked events. */
  onConnectionGone(connectionId: string, clientId: string): void
  /** Pushes an event once more to each app of its corp that has a connection, acked or not; returns the frames. */
  resend(eventId: string, clientId?: string): number
  clear(): void
  close(): void
}

interface PendingDelivery {
  event: OrgEvent
  clientId: string
  attempts: number
  /** The connection it is in flight on, while waiting for the ack. */
  connectionId: string | undefined
  timer: NodeJS.Timeout | undefined
  lastError: string | undefined
}

/**
 * At-least-once delivery as DingTalk does it: each event goes to every Stream-subscribed app of its corp, and what is
 * not acked is pushed again after `redeliveryMs`, also across reconnections (`offlineEvents: 'queue'`).
 */
export function createStreamDelivery(
  ctx: EmulatorContext,
  options: ResolvedStreamOptions,
  pickSocket: (clientId: string) => StreamSocket | undefined,
): StreamDelivery {
  const pending = new Map<string, Map<string, PendingDelivery>>()
  const inFlight = new Map<string, { clientId: string; eventId: string }>()

  function record(entry: PendingDelivery, status: 'pending' | 'acked' | 'failed'): void {
    ctx.events.recordDelivery(entry.event.eventId, {
      clientId: entry.clientId,
      channel: 'stream',
      attempts: entry.attempts,
      status,
      ...(entry.lastError ? { lastError: entry.lastError } : {}),
    })
  }

  function pushFrame(socket: StreamSocket, event: OrgEvent): void {
    const messageId = newMessageId()
    inFlight.set(messageId, { clientId: socket.clientId, eventId: event.eventId })
    socket.send(
      eventFrame(
        { clientId: socket.clientId, connectionId: socket.connectionId, messageId, now: ctx.clock.now() },
        event,
      ),
    )
  }

  function later(entry: PendingDelivery, run: () => void): void {
    entry.timer = setTimeout(run, options.redeliveryMs)
    entry.timer.unref()
  }

  function push(entry: PendingDelivery): void {
    clearTimeout(entry.timer)
    entry.timer = undefined
    entry.connectionId = undefined
    const socket = pickSocket(entry.clientId)
    if (!socket) {
      if (options.offlineEvents === 'drop') {
        entry.lastError = 'no open Stream connection'
        pending.get(entry.clientId)?.delete(entry.event.eventId)
        record(entry, 'failed')
      } else {
        record(entry, 'pending')
      }
      return
    }
    entry.attempts += 1
    entry.connectionId = socket.connectionId
    pushFrame(socket, entry.event)
    if (Math.random() < options.duplicateRate) pushFrame(socket, entry.event)
    record(entry, 'pending')
    later(entry, () => {
      entry.lastError = `no ack within ${options.redeliveryMs} ms`
      push(entry)
    })
  }

  const unsubscribe = ctx.events.subscribe((event) => {
    for (const app of ctx.index.fixture.apps) {
      if (!app.stream || !app.published || app.corpId !== event.corpId) continue
      const entry: PendingDelivery = {
        event,
        clientId: app.clientId,
        attempts: 0,
        connectionId: undefined,
        timer: undefined,
        lastError: undefined,
      }
      let forApp = pending.get(app.clientId)
      if (!forApp) pending.set(app.clientId, (forApp = new Map()))
      forApp.set(event.eventId, entry)
      push(entry)
    }
  })

  return {
    onAck(ack) {
      const message = inFlight.get(ack.messageId)
      if (!message) return
      inFlight.delete(ack.messageId)
      const entry = pending.get(message.clientId)?.get(message.eventId)
      if (!entry) return // already acked: a duplicate's ack
      const status = ackStatus(ack)
      if (status === 'SUCCESS') {
        clearTimeout(entry.timer)
        pending.get(message.clientId)?.delete(message.eventId)
        entry.lastError = undefined
        record(entry, 'acked')
      } else if (status === 'LATER') {
        // "LATER" asks for the event again after the redelivery delay.
        clearTimeout(entry.timer)
        entry.lastError = 'acked LATER'
        entry.connectionId = undefined
        record(entry, 'pending')
        later(entry, () => push(entry))
      } else {
        entry.lastError = 'an ack without {"status":"SUCCESS"|"LATER"}'
        record(entry, 'pending')
      }
    },
    onConnected(clientId) {
      for (const entry of pending.get(clientId)?.values() ?? []) {
        if (entry.connectionId === undefined && entry.timer === undefined) push(entry)
      }
    },
    onConnectionGone(connectionId, clientId) {
      for (const entry of pending.get(clientId)?.values() ?? []) {
        if (entry.connectionId !== connectionId) continue
        entry.lastError = 'the connection closed before the ack'
        push(entry)
      }
    },
    resend(eventId, clientId) {
      const event = ctx.events.list().find((e) => e.eventId === eventId)
      if (!event) return 0
      let frames = 0
      for (const app of ctx.index.fixture.apps) {
        if (!app.stream || app.corpId !== event.corpId || (clientId && app.clientId !== clientId)) continue
        const socket = pickSocket(app.clientId)
        if (!socket) continue
        const { deliveries: _deliveries, ...orgEvent } = event
        pushFrame(socket, orgEvent)
        frames += 1
      }
      return frames
    },
    clear() {
      for (const forApp of pending.values()) for (const entry of forApp.values()) clearTimeout(entry.timer)
      pending.clear()
      inFlight.clear()
    },
    close() {
      unsubscribe()
      this.clear()
    },
  }
}
