import type { ServerResponse } from 'node:http'

/** What a route answers; written to the socket by the server. */
export interface Reply {
  status: number
  headers: Record<string, string>
  body: string | Buffer
}

const JSON_TYPE = 'application/json;charset=utf-8'

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) }
}

export function htmlReply(status: number, html: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: html,
  }
}

export function scriptReply(source: string): Reply {
  return {
    status: 200,
    headers: {
      'content-type': 'application/javascript;charset=utf-8',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    },
    body: source,
  }
}

export function redirectReply(location: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' }
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Writes a reply unless the connection already has an answer or is gone. */
export function writeReply(
  res: ServerResponse,
  reply: Reply,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(reply.status, {
    ...reply.headers,
    ...extraHeaders,
    'content-length': String(Buffer.byteLength(reply.body)),
  })
  res.end(reply.body)
}
