import { DingTalkAuthError } from '../errors'

/** The largest JSON body a POST route accepts. */
export const MAX_BODY_BYTES = 16 * 1024

/** A media type a route takes a JSON body under; `'none'` is a request without a `Content-Type`. */
export type JsonBodyMediaType = 'application/json' | 'text/plain' | 'none'

/**
 * Reads a POST body as a JSON object under the §4.3 rules: `application/json` only (`unsupported_media_type`;
 * a route that is not a browser's, e.g. signed DingTalk callbacks, may take more through `mediaTypes`),
 * at most `limit` bytes (`payload_too_large`, decided from `Content-Length` before reading anything, and
 * otherwise by stopping at the first chunk over the limit: the rest is never read), valid JSON holding an object
 * (`invalid_request`, field `body`). An empty body with no content type counts as `{}` when `allowEmpty`.
 */
export async function readJsonBody(
  request: Request,
  options: {
    limit?: number
    allowEmpty?: boolean
    /** Further header checks (e.g. `Origin`), run after the media type and length and before reading. */
    beforeRead?: () => void
    /** The media types taken, the body being parsed as JSON under each. @default ['application/json'] */
    mediaTypes?: readonly JsonBodyMediaType[]
  } = {},
): Promise<Record<string, unknown>> {
  const limit = options.limit ?? MAX_BODY_BYTES
  const contentType = request.headers.get('content-type')
  const declaredLength = request.headers.get('content-length')
  if (options.allowEmpty && !contentType) {
    // A body-less POST (logout): accepted only if it really carries nothing.
    options.beforeRead?.()
    const bytes = declaredLength === '0' ? new Uint8Array(0) : await readAtMost(request.body, limit)
    if (bytes !== null && bytes.byteLength === 0) return {}
    throw new DingTalkAuthError('unsupported_media_type', { detail: 'a body without a content type' })
  }
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase()
  const accepted: readonly string[] = options.mediaTypes ?? ['application/json']
  if (!accepted.includes(mediaType || 'none')) {
    throw new DingTalkAuthError('unsupported_media_type', {
      detail: `expected ${accepted.join(' or ')}, found ${mediaType ? mediaType.slice(0, 64) : 'no content type'}`,
    })
  }
  if (declaredLength !== null && !(Number(declaredLength) <= limit)) {
    throw new DingTalkAuthError('payload_too_large', { detail: `Content-Length above ${limit} bytes` })
  }
  options.beforeRead?.()
  const bytes = await readAtMost(request.body, limit)
  if (bytes === null)
    throw new DingTalkAuthError('payload_too_large', { detail: `body above ${limit} bytes` })
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new DingTalkAuthError('invalid_request', { field: 'body', detail: 'the body is not valid JSON' })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DingTalkAuthError('invalid_request', {
      field: 'body',
      detail: 'the body must be a JSON object',
    })
  }
  return parsed as Record<string, unknown>
}

/** The whole stream if it holds at most `limit` bytes, else `null` (having stopped reading there). */
export async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array | null> {
  if (body === null) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      // Stop without draining: the adapter answers with `Connection: close`, so the rest is never read.
      if (total > limit) return null
      chunks.push(value)
    }
  } finally {
    reader.releaseLock()
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}
