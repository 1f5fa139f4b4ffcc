import { createHash, randomUUID } from 'node:crypto'
import type { OrgEvent } from '../events/createEventHub'

/** A frame DingTalk's Stream gateway sends (JSON text over the WebSocket). */
export interface DownstreamFrame {
  specVersion: '1.0'
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK'
  /** Every header value is a string on the wire, times included. */
  headers: Record<string, string>
  /** A JSON string, never an object. */
  data: string
}

/** What a client sends back: an ack of an EVENT/CALLBACK frame or the answer to a `ping`. */
export interface UpstreamAck {
  code: number
  messageId: string
  data: string | undefined
}

export function newMessageId(): string {
  return randomUUID()
}

/**
 * The unified app id (`eventUnifiedAppId`, also the frames' `appId`): a UUID DingTalk assigns to each app. The
 * fixture has none, so it is derived from the clientId: stable across runs.
 */
export function unifiedAppIdOf(clientId: string): string {
  const hex = createHash('sha1').update(`unified-app:${clientId}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

interface FrameContext {
  clientId: string
  connectionId: string
  messageId: string
  now: number
}

function baseHeaders(context: FrameContext, topic: string): Record<string, string> {
  return {
    appId: unifiedAppIdOf(context.clientId),
    connectionId: context.connectionId,
    contentType: 'application/json',
    messageId: context.messageId,
    time: String(context.now),
    topic,
  }
}

export function systemFrame(
  context: FrameContext,
  topic: 'ping' | 'disconnect',
  data: object,
): DownstreamFrame {
  return {
    specVersion: '1.0',
    type: 'SYSTEM',
    headers: baseHeaders(context, topic),
    data: JSON.stringify(data),
  }
}

/** The `data` of an address-book event: who changed (organisation doc §5). */
export function eventData(event: OrgEvent): Record<string, unknown> {
  return {
    timeStamp: String(event.bornTime),
    ...(event.userIds ? { userId: event.userIds } : {}),
    ...(event.deptIds ? { deptId: event.deptIds } : {}),
  }
}

export function eventFrame(context: FrameContext, event: OrgEvent): DownstreamFrame {
  return {
    specVersion: '1.0',
    type: 'EVENT',
    headers: {
      ...baseHeaders(context, '*'),
      eventType: event.eventType,
      eventId: event.eventId,
      eventBornTime: String(event.bornTime),
      eventCorpId: event.corpId,
      eventUnifiedAppId: unifiedAppIdOf(context.clientId),
    },
    data: JSON.stringify(eventData(event)),
  }
}

/** Reads a client frame; anything that is not `{ code, headers: { messageId }, data? }` is undefined. */
export function parseUpstream(text: string): UpstreamAck | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const frame = value as { code?: unknown; headers?: { messageId?: unknown }; data?: unknown }
  const messageId = frame.headers?.messageId
  if (typeof messageId !== 'string' || typeof frame.code !== 'number') return undefined
  return { code: frame.code, messageId, data: typeof frame.data === 'string' ? frame.data : undefined }
}

/** The ack status in `data` (`{"status":"SUCCESS"}` or `"LATER"`), or undefined when it is neither. */
export function ackStatus(ack: UpstreamAck): 'SUCCESS' | 'LATER' | undefined {
  if (ack.code !== 200 || ack.data === undefined) return undefined
  try {
    const status = (JSON.parse(ack.data) as { status?: unknown } | null)?.status
    return status === 'SUCCESS' || status === 'LATER' ? status : undefined
  } catch {
    return undefined
  }
}
