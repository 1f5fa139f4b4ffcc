import type { Route } from '../HttpRuntime'
import { badField, readPost, requiredString } from '../readPost'

// DingTalk seals a whole event into `encrypt`: one that names many people (a department moved) outgrows the login
// routes' 16 KB, and a refused push is pushed again and again.
const EVENT_BODY_BYTES = 64 * 1024
// [U] DingTalk's documents show a JSON body but not the Content-Type of a push: any of these is taken when the body
// parses as JSON. The signature, not the media type, is what guards this route (no browser posts to it with keys).
const EVENT_MEDIA_TYPES = ['application/json', 'text/plain', 'none'] as const

/**
 * `POST /events`: DingTalk's encrypted HTTP callbacks for `directory.events: 'callback'`. A bad signature is
 * `invalid_signature` (401) with nothing applied; the answer is the encrypted `success` DingTalk waits for, or 409
 * for an event another process is applying (DingTalk pushes it again).
 */
export const postEvents: Route = async (runtime, ctx) => {
  const { callbacks } = runtime
  if (!callbacks?.receivesCallbacks) throw badField('path', 'no instance has directory events: callback')
  const params = ctx.url.searchParams
  // DingTalk: both spellings are seen, signature & timestamp and msg_signature & timeStamp.
  const signature = params.get('signature') || params.get('msg_signature')
  const timestamp = params.get('timestamp') || params.get('timeStamp')
  const nonce = params.get('nonce')
  if (!signature) throw badField('signature', 'the callback has no signature in its query')
  if (!timestamp) throw badField('timestamp', 'the callback has no timestamp in its query')
  if (!nonce) throw badField('nonce', 'the callback has no nonce in its query')
  const body = await readPost(ctx, runtime.settings, {
    limit: EVENT_BODY_BYTES,
    mediaTypes: EVENT_MEDIA_TYPES,
  })
  const encrypt = requiredString(body, 'encrypt', EVENT_BODY_BYTES)
  const result = await callbacks.receiveCallback({ signature, timestamp, nonce, encrypt })
  if (result.outcome === 'redeliver') {
    // Any answer but the sealed `success` makes DingTalk push the event again; 409: it is in hand elsewhere.
    return Response.json(
      { status: 'redeliver', detail: 'another process is applying this event; push it again' },
      { status: 409, headers: { 'retry-after': '5' } },
    )
  }
  return Response.json(result.answer)
}
