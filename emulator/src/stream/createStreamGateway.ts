import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { EmulatorContext } from '../EmulatorContext'
import type { StreamTicket, TicketStore } from './createTicketStore'
import type { StreamSocket } from './createStreamDelivery'
import { createStreamDelivery } from './createStreamDelivery'
import { STREAM_CONNECT_PATH } from './openConnection'
import type { ResolvedStreamOptions } from './StreamOptions'
import { newMessageId, parseUpstream, systemFrame } from './streamFrames'

/** An open Stream connection, as `GET /__emulator/stream/connections` shows it. */
export interface StreamConnectionView {
  connectionId: string
  clientId: string
  openedAt: number
  /** Whether it subscribed to events (`EVENT` / `*`). */
  events: boolean
  /** A SYSTEM `disconnect` was sent: no new event goes to it, it closes soon. */
  draining: boolean
  /**
   * Gone silent ({@link StreamGateway.stall}): open, still chosen for events, but what is sent is lost and nothing
   * it sends is read.
   */
  stalled: boolean
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
  /**
   * Makes each connection go silent without closing, like one a network change left half-open: WebSocket pings go
   * unanswered, acks unread, and what is pushed on it is lost. DingTalk cannot tell either, so it stays a target
   * for events (pushed into the void, never acked) until it really closes; then its unacked events go to another
   * connection of the app, or wait for the next one. Only the client's own heartbeat can find it. Returns how many.
   */
  stall(target?: StreamTarget): number
  /** Sends a SYSTEM `ping` now; returns how many. */
  ping(target?: StreamTarget): number
  /** Pushes an event once more to each app that got it, acked or not (DingTalk's duplicates); returns how many frames. */
  resend(eventId: string, clientId?: string): number
  /** Forgets every pending delivery and ticket (the test API's reset); connections stay open. */
  clear(): void
  close(): void
}

interface Connection extends StreamSocket {
  view: StreamConnectionView
  socket: WebSocket
  ping: { messageId: string; data: string } | undefined
  timers: NodeJS.Timeout[]
}

/**
 * DingTalk's Stream gateway on the emulator's own HTTP server: `/connect?ticket=…` WebSocket connections, SYSTEM
 * `ping` and `disconnect`; the events themselves go through {@link createStreamDelivery}.
 */
export function createStreamGateway(
  ctx: EmulatorContext,
  tickets: TicketStore,
  options: ResolvedStreamOptions,
): StreamGateway {
  // Pongs by hand: a stalled connection must leave the client's pings unanswered while its close is still seen.
  const wss = new WebSocketServer({ noServer: true, autoPong: false })
  const connections = new Map<string, Connection>()
  let nextConnection = 1
  const now = () => ctx.clock.now()

  function pickSocket(clientId: string): Connection | undefined {
    const usable = [...connections.values()].filter(
      (c) =>
        c.clientId === clientId && c.view.events && !c.view.draining && c.socket.readyState === c.socket.OPEN,
    )
    // With several connections of one app, DingTalk picks one.
    return usable[Math.floor(Math.random() * usable.length)]
  }
  const delivery = createStreamDelivery(ctx, options, pickSocket)

  function sendPing(connection: Connection): void {
    const messageId = newMessageId()
    const frame = systemFrame({ ...connection.view, messageId, now: now() }, 'ping', {
      opaque: newMessageId(),
    })
    connection.ping = { messageId, data: frame.data }
    connection.view.pingsSent += 1
    connection.send(frame)
  }

  function onMessage(connection: Connection, text: string): void {
    if (connection.view.stalled) return
    const ack = parseUpstream(text)
    if (!ack) return
    if (connection.ping?.messageId !== ack.messageId) return delivery.onAck(ack)
    // A ping is answered with the same frame's data (it carries `opaque`).
    if (ack.code === 200 && ack.data === connection.ping.data) {
      connection.view.pingsAnswered += 1
      connection.ping = undefined
    }
  }

  function onOpen(socket: WebSocket, ticket: StreamTicket): void {
    const connectionId = `${ticket.clientId}-${nextConnection++}`
    const connection: Connection = {
      connectionId,
      clientId: ticket.clientId,
      // A stalled connection's frames are lost on the way, as on a half-open TCP connection.
      send: (frame) => {
        if (!connection.view.stalled) socket.send(JSON.stringify(frame))
      },
      view: {
        connectionId,
        clientId: ticket.clientId,
        openedAt: now(),
        events: ticket.events,
        draining: false,
        stalled: false,
        pingsSent: 0,
        pingsAnswered: 0,
        ua: ticket.ua,
        localIp: ticket.localIp,
      },
      socket,
      ping: undefined,
      timers: [],
    }
    connections.set(connectionId, connection)
    socket.on('message', (data) => onMessage(connection, data.toString()))
    socket.on('ping', (data) => {
      if (!connection.view.stalled) socket.pong(data)
    })
    socket.on('error', () => socket.terminate())
    socket.on('close', () => {
      connections.delete(connectionId)
      for (const timer of connection.timers) clearTimeout(timer)
      delivery.onConnectionGone(connectionId, connection.clientId)
    })
    if (options.pingIntervalMs !== false) {
      const interval = setInterval(() => {
        // The previous ping is still unanswered: the client is gone.
        if (connection.ping) socket.terminate()
        else sendPing(connection)
      }, options.pingIntervalMs)
      interval.unref()
      connection.timers.push(interval)
    }
    if (connection.view.events) delivery.onConnected(connection.clientId)
  }

  const matching = (target: StreamTarget = {}) =>
    [...connections.values()].filter(
      (c) =>
        (!target.clientId || c.clientId === target.clientId) &&
        (!target.connectionId || c.connectionId === target.connectionId),
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
        connection.send(
          systemFrame({ ...connection.view, messageId: newMessageId(), now: now() }, 'disconnect', {}),
        )
        const timer = setTimeout(() => connection.socket.close(1000, 'disconnect'), closeAfterMs)
        timer.unref()
        connection.timers.push(timer)
        // What was in flight on it goes to another connection of the app now, or waits for the next one.
        if (pickSocket(connection.clientId))
          delivery.onConnectionGone(connection.connectionId, connection.clientId)
      }
      return chosen.length
    },
    drop(target) {
      const chosen = matching(target)
      for (const connection of chosen) connection.socket.terminate()
      return chosen.length
    },
    stall(target) {
      const chosen = matching(target).filter((c) => !c.view.stalled)
      for (const connection of chosen) {
        connection.view.stalled = true
        // Its own SYSTEM pings would find it unanswered and close it: a black hole closes nothing.
        for (const timer of connection.timers) clearTimeout(timer)
        connection.timers = []
        // Still a delivery target: DingTalk keeps pushing into a dead socket until it closes (the 'close' handler).
      }
      return chosen.length
    },
    ping(target) {
      const chosen = matching(target).filter((c) => !c.view.stalled)
      for (const connection of chosen) sendPing(connection)
      return chosen.length
    },
    resend: (eventId, clientId) => delivery.resend(eventId, clientId),
    clear() {
      delivery.clear()
      tickets.clear()
    },
    close() {
      delivery.close()
      tickets.clear()
      for (const connection of connections.values()) {
        for (const timer of connection.timers) clearTimeout(timer)
        connection.socket.terminate()
      }
      connections.clear()
      wss.close()
    },
  }
}
