import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { CallbackOptions } from '../callbacks/CallbackOptions'
import { resolveCallbackOptions } from '../callbacks/CallbackOptions'
import type { CallbackCheckResult } from '../callbacks/createCallbackDelivery'
import { createCallbackDelivery } from '../callbacks/createCallbackDelivery'
import { FAILED_RESULTS_PATH, failedResults } from '../callbacks/failedResults'
import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import { bodyFields, parseBody } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { jsonReply } from '../http/Reply'
import type { StreamConnectionView, StreamTarget } from '../stream/createStreamGateway'
import { createStreamGateway } from '../stream/createStreamGateway'
import type { StreamTicket } from '../stream/createTicketStore'
import { createTicketStore } from '../stream/createTicketStore'
import { OPEN_CONNECTION_PATH, openConnection } from '../stream/openConnection'
import type { StreamOptions } from '../stream/StreamOptions'
import { resolveStreamOptions } from '../stream/StreamOptions'
import type { OrgEvent } from './createEventHub'

/** Stream mode on demand, as `RunningEmulator.stream`. */
export interface StreamControls {
  /** Same as `GET /__emulator/stream/connections`. */
  connections(clientId?: string): StreamConnectionView[]
  /** Same as `POST /__emulator/stream/disconnect`: SYSTEM `disconnect`, then the socket closes `closeAfterMs` later. */
  disconnect(target?: StreamTarget & { closeAfterMs?: number }): number
  /** Same as `POST /__emulator/stream/drop`: cuts connections without a close frame. */
  drop(target?: StreamTarget): number
  /**
   * Same as `POST /__emulator/stream/stall`: the connections go silent without closing (half-open, as after a
   * network change): nothing read from them or sent to them; only the client's heartbeat finds them.
   */
  stall(target?: StreamTarget): number
  /** Same as `POST /__emulator/stream/ping`: a SYSTEM `ping` now. */
  ping(target?: StreamTarget): number
  /** Same as `POST /__emulator/stream/duplicate`: pushes an event again, acked or not. */
  duplicate(input: { eventId: string; clientId?: string }): number
  /**
   * Same as `GET /__emulator/stream/tickets`: tickets `connections/open` handed out that are neither used nor
   * expired, e.g. to prove a client never shows one.
   */
  tickets(clientId?: string): StreamTicket[]
}

/** HTTP callbacks on demand, as `RunningEmulator.callbacks`. */
export interface CallbackControls {
  /** Same as `POST /__emulator/callbacks/check`: the `check_url` handshake now. */
  check(clientId: string): Promise<CallbackCheckResult>
  /** Same as `GET /__emulator/callbacks/checks`: the last handshake of each app. */
  checks(): CallbackCheckResult[]
}

/** Stream mode and HTTP callbacks, attached to the emulator's server and event hub. */
export interface DeliveryChannels {
  stream: StreamControls
  callbacks: CallbackControls
  /** Stats/fault key of a delivery API call, or undefined when the path is not one. */
  endpointKey(method: string, path: string): string | undefined
  /** Answers a delivery API call (`connections/open`, `failedResults`), or undefined when not one. */
  handleApi(req: EmulatorRequest): Reply | undefined
  /** Answers `/__emulator/stream/*` and `/__emulator/callbacks/*`, or undefined for other test-API routes. */
  handleTestApi(req: EmulatorRequest): Promise<Reply> | undefined
  close(): void
}

export interface EventDeliveryOptions {
  stream?: StreamOptions
  callbacks?: CallbackOptions
}

function target(body: Record<string, unknown>): StreamTarget {
  const pick = (key: string) =>
    typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : undefined
  return { clientId: pick('clientId'), connectionId: pick('connectionId') }
}

const problem = (status: number, code: string, message: string) =>
  jsonReply(status, { error: { code, message } })

/**
 * Wires Stream mode (the `connections/open` gateway and the WebSocket on `server`) and HTTP callbacks to the event
 * hub: every published event is pushed to each app of its corp that subscribes.
 */
export function attachEventDelivery(
  server: Server,
  ctx: EmulatorContext,
  options: EventDeliveryOptions,
): DeliveryChannels {
  const streamOptions = resolveStreamOptions(options.stream)
  const tickets = createTicketStore(() => ctx.clock.now())
  const gateway = createStreamGateway(ctx, tickets, streamOptions)
  const callbacks = createCallbackDelivery(ctx, resolveCallbackOptions(options.callbacks))
  const stopClear = ctx.events.onClear(() => {
    gateway.clear()
    callbacks.clear()
  })
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!gateway.handleUpgrade(req, socket, head))
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
  }
  server.on('upgrade', onUpgrade)

  const stream: StreamControls = {
    connections: (clientId) => gateway.connections(clientId),
    disconnect: (input = {}) => gateway.disconnect(input, input.closeAfterMs),
    drop: (input) => gateway.drop(input),
    stall: (input) => gateway.stall(input),
    ping: (input) => gateway.ping(input),
    duplicate: ({ eventId, clientId }) => gateway.resend(eventId, clientId),
    tickets: (clientId) => tickets.unused(clientId),
  }

  async function testRoute(req: EmulatorRequest, route: string): Promise<Reply> {
    const parsed = parseBody(req)
    if (parsed.type === 'invalid') return problem(400, 'invalid_json', 'the body is not valid JSON or a form')
    const body = bodyFields(parsed)
    if (req.method === 'GET' && route === '/stream/connections')
      return jsonReply(200, { connections: gateway.connections(req.query.get('clientId') ?? undefined) })
    if (req.method === 'GET' && route === '/stream/tickets')
      return jsonReply(200, { tickets: tickets.unused(req.query.get('clientId') ?? undefined) })
    if (req.method === 'POST' && route === '/stream/disconnect') {
      const closeAfterMs = body.closeAfterMs === undefined ? undefined : Number(body.closeAfterMs)
      if (closeAfterMs !== undefined && !(Number.isFinite(closeAfterMs) && closeAfterMs >= 0))
        return problem(400, 'invalid_request', 'closeAfterMs must be a number >= 0')
      return jsonReply(200, { disconnected: gateway.disconnect(target(body), closeAfterMs) })
    }
    if (req.method === 'POST' && route === '/stream/drop')
      return jsonReply(200, { dropped: gateway.drop(target(body)) })
    if (req.method === 'POST' && route === '/stream/stall')
      return jsonReply(200, { stalled: gateway.stall(target(body)) })
    if (req.method === 'POST' && route === '/stream/ping')
      return jsonReply(200, { pinged: gateway.ping(target(body)) })
    if (req.method === 'POST' && route === '/stream/duplicate') {
      if (typeof body.eventId !== 'string') return problem(400, 'invalid_request', 'eventId is required')
      return jsonReply(200, { frames: gateway.resend(body.eventId, target(body).clientId) })
    }
    if (req.method === 'GET' && route === '/callbacks/checks')
      return jsonReply(200, { checks: callbacks.checks() })
    if (req.method === 'POST' && route === '/callbacks/check') {
      const clientId = typeof body.clientId === 'string' ? body.clientId : ''
      const app = ctx.index.findApp(clientId)
      if (!app) return problem(404, 'app_not_found', `no app with clientId ${clientId}`)
      if (!app.callback) return problem(409, 'no_callback', `app ${clientId} has no callback in the fixture`)
      return jsonReply(200, await callbacks.check(clientId))
    }
    return problem(404, 'not_found', `no test API route ${req.method} ${req.path}`)
  }

  return {
    stream,
    callbacks: { check: (clientId) => callbacks.check(clientId), checks: () => callbacks.checks() },
    endpointKey(method, path) {
      if (method === 'POST' && path === OPEN_CONNECTION_PATH) return `POST ${OPEN_CONNECTION_PATH}`
      if ((method === 'GET' || method === 'POST') && path === FAILED_RESULTS_PATH)
        return `${method} ${FAILED_RESULTS_PATH}`
      return undefined
    },
    handleApi(req) {
      if (req.method === 'POST' && req.path === OPEN_CONNECTION_PATH)
        return openConnection(ctx, tickets, streamOptions.ticketTtlMs, req)
      if ((req.method === 'GET' || req.method === 'POST') && req.path === FAILED_RESULTS_PATH)
        return failedResults(ctx, callbacks, req)
      return undefined
    },
    handleTestApi(req) {
      const route = req.path.slice('/__emulator'.length)
      if (!route.startsWith('/stream/') && !route.startsWith('/callbacks/')) return undefined
      return testRoute(req, route)
    },
    close() {
      server.off('upgrade', onUpgrade)
      stopClear()
      gateway.close()
      callbacks.close()
    },
  }
}

/** Input of `RunningEmulator.publishEvent`: an organisation event as if DingTalk had seen the change. */
export type PublishEventInput = Omit<OrgEvent, 'eventId' | 'bornTime'> & {
  eventId?: string
  bornTime?: number
}
