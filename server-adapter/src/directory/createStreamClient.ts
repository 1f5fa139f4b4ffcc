import type WebSocket from 'ws'
import type * as WsModule from 'ws'
import type { Logger } from '../logger'
import { importOptionalPeer } from '../drivers/importOptionalPeer'

/** An EVENT frame's headers and data, as the gateway sent them. */
export interface StreamEventFrame {
  headers: Record<string, string>
  /** The frame's `data`, parsed (`{}` when it was not a JSON object). */
  data: Record<string, unknown>
}

/** Options of {@link createStreamClient}. */
export interface StreamClientOptions {
  /** v1.0 API origin (`https://api.dingtalk.com`, or the emulator). */
  apiBase: string
  clientId: string
  clientSecret: string
  /** Handles one EVENT frame; resolve `'LATER'` (or throw) to have DingTalk push it again. */
  onEvent: (frame: StreamEventFrame) => Promise<'SUCCESS' | 'LATER'>
  logger: Logger
  fetch?: typeof fetch
  /** First reconnect delay; doubles each failed attempt, with jitter. @default 1_000 */
  reconnectBaseMs?: number
  /** Largest reconnect delay. @default 30_000 */
  reconnectMaxMs?: number
  /** WebSocket ping interval; a connection that answered no ping by the next one is dropped. @default 10_000 */
  heartbeatMs?: number
  /** Called whenever the client becomes connected or disconnected. */
  onStateChange?: (connected: boolean) => void
}

/** A Stream mode connection that keeps itself open. */
export interface StreamClient {
  /** Opens the connection (resolves once the first socket is open, or rejects when the gateway refuses). */
  start(): Promise<void>
  /** Closes every socket and stops reconnecting. */
  stop(): Promise<void>
  readonly connected: boolean
}

interface DownstreamFrame {
  type?: unknown
  headers?: Record<string, unknown>
  data?: unknown
}

const OPEN_PATH = '/v1.0/gateway/connections/open'
/** How long opening a ticket or a WebSocket may take before the attempt counts as failed. */
const HANDSHAKE_TIMEOUT_MS = 10_000

function headersOf(frame: DownstreamFrame): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(frame.headers ?? {}))
    if (value !== undefined) out[key] = String(value)
  return out
}

function parseData(data: unknown): Record<string, unknown> {
  if (typeof data !== 'string') return {}
  try {
    const value = JSON.parse(data) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

/**
 * DingTalk's Stream mode over `ws`, written from the protocol (the official `dingtalk-stream` hard-codes the
 * gateway URL): `connections/open` for a single-use ticket, a WebSocket to `endpoint?ticket=`, every EVENT acked
 * with `SUCCESS` once handled (or `LATER`), `ping` answered, and on a `disconnect` frame a new connection opened
 * before the gateway closes the old one. Lost sockets reconnect with backoff; a WebSocket heartbeat finds dead ones.
 */
export function createStreamClient(options: StreamClientOptions): StreamClient {
  const { logger } = options
  const baseMs = options.reconnectBaseMs ?? 1_000
  const maxMs = options.reconnectMaxMs ?? 30_000
  const heartbeatMs = options.heartbeatMs ?? 10_000
  const sockets = new Set<WebSocket>()
  let current: WebSocket | null = null
  let stopped = true
  // Aborted by stop(): a ticket fetch or handshake in flight ends there, and no socket is opened after it.
  let lifetime = new AbortController()
  let attempts = 0
  let reconnectTimer: NodeJS.Timeout | undefined
  let wsModule: typeof WsModule | undefined

  const setCurrent = (socket: WebSocket | null) => {
    const was = current !== null
    current = socket
    if (was !== (socket !== null)) options.onStateChange?.(socket !== null)
  }

  async function openTicket(signal: AbortSignal): Promise<{ endpoint: string; ticket: string }> {
    const fetchFn = options.fetch ?? fetch
    const response = await fetchFn(`${options.apiBase.replace(/\/+$/, '')}${OPEN_PATH}`, {
      method: 'POST',
      // DingTalk: without Accept: application/json the gateway answers XML.
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        subscriptions: [{ type: 'EVENT', topic: '*' }],
        ua: 'dingtalk-login-server',
      }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(HANDSHAKE_TIMEOUT_MS)]),
    })
    const body = (await response.json().catch(() => null)) as {
      endpoint?: unknown
      ticket?: unknown
      code?: unknown
    } | null
    if (!response.ok || typeof body?.endpoint !== 'string' || typeof body.ticket !== 'string') {
      throw new Error(
        `Stream mode: ${OPEN_PATH} answered HTTP ${response.status}${typeof body?.code === 'string' ? ` ${body.code}` : ''}`,
      )
    }
    return { endpoint: body.endpoint, ticket: body.ticket }
  }

  function send(socket: WebSocket, messageId: string, data: string): void {
    if (socket.readyState !== socket.OPEN) return
    socket.send(
      JSON.stringify({
        code: 200,
        headers: { messageId, contentType: 'application/json' },
        message: 'OK',
        data,
      }),
    )
  }

  async function onFrame(socket: WebSocket, text: string): Promise<void> {
    let frame: unknown
    try {
      frame = JSON.parse(text)
    } catch {
      frame = null
    }
    // Anything but a JSON object (`null`, a number, text) is not a frame; reading its headers would throw inside
    // the socket's message handler, where nothing catches it.
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      logger.warn({}, 'Stream mode: a frame that is not a JSON object was ignored')
      return
    }
    await handleFrame(socket, frame as DownstreamFrame)
  }

  async function handleFrame(socket: WebSocket, frame: DownstreamFrame): Promise<void> {
    const headers = headersOf(frame)
    const messageId = headers.messageId ?? ''
    if (frame.type === 'SYSTEM') {
      if (headers.topic === 'ping')
        send(socket, messageId, typeof frame.data === 'string' ? frame.data : '{}')
      else if (headers.topic === 'disconnect') {
        // DingTalk closes this socket about 10 s from now: have the next one open before it goes.
        logger.info({}, 'Stream mode: the gateway asked to reconnect; opening a new connection first')
        void connect().catch((error: unknown) => {
          if (stopped) return
          logger.warn({ err: error }, 'Stream mode: could not open the replacement connection')
          scheduleReconnect()
        })
      }
      return
    }
    if (frame.type !== 'EVENT' && frame.type !== 'CALLBACK') return
    let status: 'SUCCESS' | 'LATER'
    try {
      status =
        frame.type === 'EVENT' ? await options.onEvent({ headers, data: parseData(frame.data) }) : 'SUCCESS'
    } catch (error) {
      logger.warn(
        { eventId: headers.eventId, eventType: headers.eventType, err: error },
        'Stream mode: handling an event failed; asking for redelivery',
      )
      status = 'LATER'
    }
    send(socket, messageId, JSON.stringify({ status }))
  }

  async function connect(): Promise<void> {
    const { signal } = lifetime
    wsModule ??= await importOptionalPeer<typeof WsModule>('ws')
    signal.throwIfAborted()
    const { endpoint, ticket } = await openTicket(signal)
    signal.throwIfAborted()
    const url = new URL(endpoint)
    url.searchParams.set('ticket', ticket)
    // A gateway that never finishes the handshake must not leave start() waiting for ever.
    const socket = new wsModule.WebSocket(url.href, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS })
    // Tracked from before it opens: stop() during the handshake ends it too.
    sockets.add(socket)
    let alive = true
    const heartbeat = setInterval(() => {
      // ws throws from ping() on a socket that is not open yet; inside a timer that would end the process.
      if (socket.readyState !== socket.OPEN) return
      if (!alive) return socket.terminate()
      alive = false
      socket.ping()
    }, heartbeatMs)
    heartbeat.unref()
    socket.on('pong', () => {
      alive = true
    })
    socket.on('message', (data) => void onFrame(socket, String(data)))
    socket.on('close', () => {
      clearInterval(heartbeat)
      sockets.delete(socket)
      if (current !== socket) return
      setCurrent(null)
      if (!stopped) {
        logger.warn({}, 'Stream mode: the connection closed; reconnecting')
        scheduleReconnect()
      }
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    socket.on('error', (error) => logger.warn({ err: error }, 'Stream mode: socket error'))
    if (stopped) {
      socket.close()
      return
    }
    attempts = 0
    // A previous socket (after `disconnect`) stays open until the gateway closes it, so its events are still acked.
    setCurrent(socket)
  }

  function scheduleReconnect(): void {
    if (stopped || reconnectTimer) return
    const delay = Math.min(maxMs, baseMs * 2 ** attempts) * (0.5 + Math.random() / 2)
    attempts++
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined
      connect().catch((error: unknown) => {
        if (stopped) return
        logger.warn({ err: error, attempt: attempts }, 'Stream mode: reconnect failed')
        scheduleReconnect()
      })
    }, delay)
    reconnectTimer.unref()
  }

  return {
    get connected() {
      return current !== null
    },
    async start() {
      if (!stopped) return
      stopped = false
      lifetime = new AbortController()
      try {
        await connect()
      } catch (error) {
        // Stopped while connecting: nothing failed.
        if (stopped) return
        scheduleReconnect()
        throw error
      }
    },
    async stop() {
      stopped = true
      lifetime.abort(new Error('Stream mode: stopped'))
      clearTimeout(reconnectTimer)
      reconnectTimer = undefined
      const closing = [...sockets].map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) return resolve()
            socket.once('close', () => resolve())
            // A socket still in its handshake has nothing to say goodbye on.
            if (socket.readyState === socket.CONNECTING) socket.terminate()
            else socket.close()
            setTimeout(() => {
              socket.terminate()
              resolve()
            }, 1_000).unref()
          }),
      )
      setCurrent(null)
      await Promise.all(closing)
    },
  }
}
