import { DingTalkAuthError } from '../errors'
import type { HandlerSettings } from './handlerOptions'
import { readJsonBody } from './readJsonBody'
import type { JsonBodyMediaType } from './readJsonBody'
import type { RequestContext } from './requestContext'

/** Requests whose body was read to its end: an error answered for them may keep the connection open. */
const bodyRead = new WeakSet<Request>()

/** Whether the request's body was read to its end. */
export function wasBodyRead(request: Request): boolean {
  return bodyRead.has(request)
}

/** An `invalid_request` naming the field at fault. */
export function badField(field: string, detail: string): DingTalkAuthError {
  return new DingTalkAuthError('invalid_request', { field, detail })
}

/** POST preconditions (media type, size, Origin), all decided from headers before any byte is read. */
export async function readPost(
  ctx: RequestContext,
  settings: HandlerSettings,
  {
    allowEmpty = false,
    limit = settings.maxBodyBytes,
    mediaTypes,
  }: {
    allowEmpty?: boolean
    /** Largest body, bytes. @default settings.maxBodyBytes */
    limit?: number
    /** Media types taken as JSON. @default ['application/json'] */
    mediaTypes?: readonly JsonBodyMediaType[]
  } = {},
): Promise<Record<string, unknown>> {
  const origin = ctx.request.headers.get('origin')
  const body = await readJsonBody(ctx.request, {
    limit,
    allowEmpty,
    ...(mediaTypes ? { mediaTypes } : {}),
    beforeRead: () => {
      if (origin !== null && origin !== ctx.origin && !settings.allowedOrigins.has(origin)) {
        throw badField('origin', 'the Origin of the request is not allowed')
      }
    },
  })
  bodyRead.add(ctx.request)
  return body
}

/** An optional string field of at most `max` characters. */
export function optionalString(body: Record<string, unknown>, field: string, max = 512): string | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || value.length > max) throw badField(field, `${field} must be a string`)
  return value
}

/** A required, non-empty string field of at most `max` characters. */
export function requiredString(body: Record<string, unknown>, field: string, max = 512): string {
  const value = optionalString(body, field, max)
  if (!value) throw badField(field, `${field} is required`)
  return value
}
