import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'

/** Requests larger than this are cut off: no DingTalk call carries more than a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024

/** A request with its body read and its URL split, as the routes see it. */
export interface EmulatorRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** Lowercased media type without parameters, `''` when absent. */
  mediaType: string
  rawBody: Buffer
  bodyTooLarge: boolean
  /** Base URL of the emulator as the client reached it (`publicUrl`, else from the Host header). */
  baseUrl: string
  ip: string
}

/** Parsed body: a JSON value, a form, or nothing usable. */
export type ParsedBody =
  | { type: 'json'; value: unknown }
  | { type: 'form'; value: URLSearchParams }
  | { type: 'empty' }
  | { type: 'invalid' }

export async function readEmulatorRequest(
  req: IncomingMessage,
  publicUrl: string | undefined,
): Promise<EmulatorRequest> {
  const chunks: Buffer[] = []
  let size = 0
  let bodyTooLarge = false
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) bodyTooLarge = true
    else chunks.push(chunk)
  }
  const host =
    typeof req.headers.host === 'string' && /^[\w.:[\]-]+$/.test(req.headers.host)
      ? req.headers.host
      : 'localhost'
  let url: URL
  try {
    url = new URL(req.url ?? '/', 'http://emulator.invalid')
  } catch {
    url = new URL('http://emulator.invalid/')
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    mediaType: (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
    rawBody: Buffer.concat(chunks),
    bodyTooLarge,
    baseUrl: publicUrl ?? `http://${host}`,
    ip: req.socket.remoteAddress ?? 'unknown',
  }
}

/**
 * Parses the body by its content type; without one, sniffs JSON (a leading `{`) and falls back to a form,
 * as oapi accepts both.
 */
export function parseBody(req: EmulatorRequest): ParsedBody {
  const text = req.rawBody.toString('utf8')
  if (text.trim() === '') return { type: 'empty' }
  const isJson = req.mediaType === 'application/json' || req.mediaType.endsWith('+json')
  const isForm = req.mediaType === 'application/x-www-form-urlencoded'
  if (isJson || (!isForm && /^\s*[[{]/.test(text))) {
    try {
      return { type: 'json', value: JSON.parse(text) as unknown }
    } catch {
      return { type: 'invalid' }
    }
  }
  if (isForm || req.mediaType === '' || req.mediaType === 'text/plain')
    return { type: 'form', value: new URLSearchParams(text) }
  return { type: 'invalid' }
}

/** Body fields as a flat record of strings and other JSON values (form values are strings). */
export function bodyFields(body: ParsedBody): Record<string, unknown> {
  if (body.type === 'form') return Object.fromEntries(body.value)
  if (
    body.type === 'json' &&
    typeof body.value === 'object' &&
    body.value !== null &&
    !Array.isArray(body.value)
  ) {
    return body.value as Record<string, unknown>
  }
  return {}
}
