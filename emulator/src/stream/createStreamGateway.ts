import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { EmulatorContext } from '../EmulatorContext'
import type { OrgEvent } from '../events/createEventHub'
import type { TicketStore } from './createTicketStore'
import { STREAM_CONNECT_PATH } from './openConnection'
import type { ResolvedStreamOptions } from './StreamOptions'
import type { DownstreamFrame } from './streamFrames'
import { ackStatus, eventFrame, newMessageId, parseUpstream, systemFrame } from './streamFrames'

/** An open Stream connection, as `GET /__emulator/stream/connections` shows it. */
export interface StreamConnectionView {
  connectionId: string
  clientId: string
  openedAt: number
  /** Whether it subscribed to events (`EVENT` / `*`). */
  events: boolean
  /** A SYSTEM `disconnect` was sent: no new event goes to it, it closes soon. */
  draining: boolean
  pingsSent: number
  pingsAnswered: number
  ua: string | undefined
  localIp: string | undefined
}

/** Which connections an on-demand action (disconnect, drop, ping) applies to; empty = all. */
export interface StreamTarget {
  clientId?: string
  connectionId?: string
}

export interface StreamGateway {
  /** Takes an HTTP upgrade to the connect path; false when the path is not the gateway's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  connections(clientId?: string): StreamConnectionView[]
  /** Sends SYSTEM `disconnect` and closes each socket `closeAfterMs` later; returns how many. */
  disconnect(target?: StreamTarget, closeAfterMs?: number): number
  /** Cuts each connection without a close frame (a network failure); returns how many. */
  drop(target?: StreamTarget): number
  /** Sends a SYSTEM `ping` now; returns how many. */
  ping(target?: StreamTarget): number
  /** Pushes an event once more to each app that got it, acked or not (DingTalk's duplicates); returns how many frames. */
  resend(eventId: string, clientId?: string): number
  /** Forgets every pending delivery and ticket (the test API's reset); connections stay open. */
  clear(): void
  close(): void
}

interface Connection {
  view: StreamConnectionView
  socket: WebSocket
  ping: { messageId: string; data: string } | undefined
  timers: NodeJS.Timeout[]
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
 * DingTalk's Stream gateway on the emulator's own HTTP server: `/connect?ticket=…` WebSocket connections, SYSTEM
 * `ping`/`disconnect`, EVENT frames for the address-book events, acks, and redelivery of what is not acked.
 */
export function createStreamGateway(
  ctx: EmulatorContext,
  tickets: TicketStore,
  options: ResolvedStreamOptions,
): StreamGateway {
  const wss = new WebSocketServer({ noServer: true })
  const connections = new Map<string, Connection>()
  const pending = new Map<string, Map<string, PendingDelivery>>()
  const inFlight = new Map<string, { clientId: string; eventId: string }>()
  const sentEvents = new Map<string, OrgEvent>()
  let nextConnection = 1

  const now = () => ctx.clock.now()
  const pendingOf = (clientId: string) => {
    let map = pending.get(clientId)
    if (!map) pending.set(clientId, (map = new Map()))
    return map
  }

  function record(entry: PendingDelivery, status: 'pending' | 'acked' | 'failed'): void {
    ctx.events.recordDelivery(entry.event.eventId, {
      clientId: entry.clientId,
      channel: 'stream',
      attempts: entry.attempts,
      status,
      ...(entry.lastError ? { lastError: entry.lastError } : {}),
    })
  }

  function send(connection: Connection, frame: DownstreamFrame): void {
    connection.socket.send(JSON.stringify(frame))
  }

  function pickConnection(clientId: string): Connection | undefined {
    const usable = [...connections.values()].filter(
      (c) => c.view.clientId === clientId && c.view.events && !c.view.draining && c.socket.readyState === 1,
    )
    // With several connections of one app, DingTalk picks one.
    return usable[Math.floor(Math.random() * usable.length)]
  }

  function pushEvent(connection: Connection, event: OrgEvent): string {
    const messageId = newMessageId()
    inFlight.set(messageId, { clientId: connection.view.clientId, eventId: event.eventId })
    const context = {
      clientId: connection.view.clientId,
      connectionId: connection.view.connectionId,
      now: now(),
    }
    send(connection, eventFrame({ ...context, messageId }, event))
    return messageId
  }

  function push(entry: PendingDelivery): void {
    clearTimeout(entry.timer)
    entry.timer = undefined
    const connection = pickConnection(entry.clientId)
    if (!connection) {
      entry.connectionId = undefined
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
    entry.connectionId = connection.view.connectionId
    pushEvent(connection, entry.event)
    if (Math.random() < options.duplicateRate) pushEvent(connection, entry.event)
    record(entry, 'pending')
    entry.timer = setTimeout(() => {
      entry.lastError = `no ack within ${options.redeliveryMs} ms`
      push(entry)
    }, options.redeliveryMs)
    entry.timer.unref()
  }

  const unsubscribe = ctx.events.subscribe((event) => {
    for (const app of ctx.index.fixture.apps) {
      if (!app.stream || !app.published || app.corpId !== event.corpId) continue
      sentEvents.set(event.eventId, event)
      const entry: PendingDelivery = {
        event,
        clientId: app.clientId,
        attempts: 0,
        connectionId: undefined,
        timer: undefined,
        lastError: undefined,
      }
      pendingOf(app.clientId).set(event.eventId, entry)
      push(entry)
    }
  })

  function onAck(connection: Connection, text: string): void {
    const ack = parseUpstream(text)
    if (!ack) return
    if (connection.ping?.messageId === ack.messageId) {
      // A ping is answered with the same frame's data (it carries `opaque`).
      if (ack.code === 200 && ack.data === connection.ping.data) {
        connection.view.pingsAnswered += 1
        connection.ping = undefined
      }
      return
    }
    const message = inFlight.get(ack.messageId)
    if (!message) return
    inFlight.delete(ack.messageId)
    const entry = pending.get(message.clientId)?.get(message.eventId)
    if (!entry) return
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
      entry.timer = setTimeout(() => push(entry), options.redeliveryMs)
      entry.timer.unref()
    } else {
      entry.lastError = 'an ack without {"status":"SUCCESS"|"LATER"}'
      record(entry, 'pending')
    }
  }

  function onClose(connection: Connection): void {
    connections.delete(connection.view.connectionId)
    for (const timer of connection.timers) clearTimeout(timer)
    for (const entry of pending.get(connection.view.clientId)?.values() ?? []) {
      if (entry.connectionId !== connection.view.connectionId) continue
      entry.lastError = 'the connection closed before the ack'
      push(entry)
    }
  }

  function sendPing(connection: Connection): void {
    const messageId = newMessageId()
    const frame = systemFrame({ ...connection.view, messageId, now: now() }, 'ping', {
      opaque: newMessageId(),
    })
    connection.ping = { messageId, data: frame.data }
    connection.view.pingsSent += 1
    send(connection, frame)
  }

  function onOpen(socket: WebSocket, ticket: NonNullable<ReturnType<TicketStore['consume']>>): void {
    const connection: Connection = {
      view: {
        connectionId: `${ticket.clientId}-${nextConnection++}`,
        clientId: ticket.clientId,
        openedAt: now(),
        events: ticket.events,
        draining: false,
        pingsSent: 0,
        pingsAnswered: 0,
        ua: ticket.ua,
        localIp: ticket.localIp,
      },
      socket,
      ping: undefined,
      timers: [],
    }
    connections.set(connection.view.connectionId, connection)
    socket.on('message', (data) => onAck(connection, data.toString()))
    socket.on('close', () => onClose(connection))
    socket.on('error', () => socket.terminate())
    if (options.pingIntervalMs !== false) {
      const interval = setInterval(() => {
        // The previous ping is still unanswered: the client is gone.
        if (connection.ping) socket.terminate()
        else sendPing(connection)
      }, options.pingIntervalMs)
      interval.unref()
      connection.timers.push(interval)
    }
    if (!connection.view.events) return
    for (const entry of pending.get(ticket.clientId)?.values() ?? []) {
      if (entry.connectionId === undefined && entry.timer === undefined) push(entry)
    }
  }

  const matching = (target: StreamTarget = {}) =>
    [...connections.values()].filter(
      (c) =>
        (!target.clientId || c.view.clientId === target.clientId) &&
        (!target.connectionId || c.view.connectionId === target.connectionId),
    )

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://emulator.invalid')
      if (url.pathname !== STREAM_CONNECT_PATH) return false
      const ticket = tickets.consume(url.searchParams.get('ticket'))
      if (!ticket) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
        return true
      }
      wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, ticket))
      return true
    },
    connections: (clientId) => matching({ clientId }).map((c) => ({ ...c.view })),
    disconnect(target, closeAfterMs = options.disconnectCloseMs) {
      const chosen = matching(target).filter((c) => !c.view.draining)
      for (const connection of chosen) {
        connection.view.draining = true
        send(
          connection,
          systemFrame({ ...connection.view, messageId: newMessageId(), now: now() }, 'disconnect', {}),
        )
        const timer = setTimeout(() => connection.socket.close(1000, 'disconnect'), closeAfterMs)
        timer.unref()
        connection.timers.push(timer)
        // What was in flight on it goes to another connection now, if the app has one.
        for (const entry of pending.get(connection.view.clientId)?.values() ?? []) {
          if (entry.connectionId === connection.view.connectionId && pickConnection(entry.clientId))
            push(entry)
        }
      }
      return chosen.length
    },
    drop(target) {
      const chosen = matching(target)
      for (const connection of chosen) connection.socket.terminate()
      return chosen.length
    },
    ping(target) {
      const chosen = matching(target)
      for (const connection of chosen) sendPing(connection)
      return chosen.length
    },
    resend(eventId, clientId) {
      const event = sentEvents.get(eventId)
      if (!event) return 0
      let frames = 0
      for (const app of ctx.index.fixture.apps) {
        if (!app.stream || app.corpId !== event.corpId || (clientId && app.clientId !== clientId)) continue
        const connection = pickConnection(app.clientId)
        if (!connection) continue
        pushEvent(connection, event)
        frames += 1
      }
      return frames
    },
    clear() {
      for (const map of pending.values()) for (const entry of map.values()) clearTimeout(entry.timer)
      pending.clear()
      inFlight.clear()
      sentEvents.clear()
      tickets.clear()
    },
    close() {
      unsubscribe()
      this.clear()
      for (const connection of connections.values()) {
        for (const timer of connection.timers) clearTimeout(timer)
        connection.socket.terminate()
      }
      connections.clear()
      wss.close()
    },
  }
}
