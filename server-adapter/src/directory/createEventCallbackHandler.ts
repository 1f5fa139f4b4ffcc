import { createHash, randomBytes } from 'node:crypto'
import { readAtMost } from '../http/readJsonBody'
import type { Logger } from '../logger'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { DirectoryEvent, EventOutcome } from './applyDirectoryEvent'
import { createCallbackCrypto } from './callbackCrypto'
import type { CallbackCrypto } from './callbackCrypto'
import type { ResolvedDirectorySettings } from './DirectoryOptions'

/** One instance that receives HTTP callbacks. */
export interface CallbackReceiver {
  instance: DDInnerAuth
  settings: ResolvedDirectorySettings
}

/** Options of {@link createEventCallbackHandler}. */
export interface EventCallbackHandlerOptions {
  receivers: readonly CallbackReceiver[]
  apply: (receiver: CallbackReceiver, event: DirectoryEvent) => Promise<EventOutcome>
  logger: Logger
  now: () => number
  /** DingTalk counts an answer later than 1500 ms as a failure: answer `success` by then and finish in the background. @default 1_000 */
  answerWithinMs?: number
}

const MAX_BODY_BYTES = 64 * 1024

function refusal(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } })
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
}

/** The event in a callback payload, in the current spelling or the older one (`UserId`, `DeptId`, `TimeStamp`). */
function toEvent(payload: Record<string, unknown>, corpId: string): DirectoryEvent {
  const time = Number(payload.timeStamp ?? payload.TimeStamp ?? payload.EventTime)
  return {
    // DingTalk: older payloads carry no eventId; the sealed text of a retried push is not the same either, so
    // derive an id from what the event says.
    eventId:
      text(payload.eventId) ??
      createHash('sha1')
        .update(
          JSON.stringify([
            payload.EventType,
            time,
            payload.userId ?? payload.UserId,
            payload.deptId ?? payload.DeptId,
          ]),
        )
        .digest('hex'),
    eventType: String(payload.EventType ?? ''),
    corpId,
    bornTime: Number.isFinite(time) ? time : Date.now(),
    userIds: list(payload.userId ?? payload.UserId).map(String),
    deptIds: list(payload.deptId ?? payload.DeptId)
      .map(Number)
      .filter((id) => Number.isSafeInteger(id)),
  }
}

/**
 * `POST {basePath}/events`: DingTalk's encrypted HTTP callbacks. Checks the signature (bad → 401, nothing
 * applied), decrypts, answers the `check_url` handshake, applies address-book events once, and answers the
 * encrypted `success` in time.
 */
export function createEventCallbackHandler(
  options: EventCallbackHandlerOptions,
): (request: Request) => Promise<Response> {
  const { logger } = options
  const answerWithinMs = options.answerWithinMs ?? 1_000
  const cryptos = new Map<CallbackReceiver, CallbackCrypto>(
    options.receivers.map((receiver) => {
      const keys = receiver.settings.callback!
      return [
        receiver,
        createCallbackCrypto(keys.token, keys.aesKey, keys.key ?? receiver.instance.authConfig.appKey),
      ]
    }),
  )

  function answer(crypto: CallbackCrypto): Response {
    const timeStamp = String(options.now())
    const nonce = randomBytes(6).toString('hex')
    const encrypt = crypto.encrypt('success')
    return Response.json(
      { msg_signature: crypto.sign(timeStamp, nonce, encrypt), timeStamp, nonce, encrypt },
      { headers: { 'cache-control': 'no-store' } },
    )
  }

  return async (request) => {
    if (request.method !== 'POST') return refusal(405, 'invalid_request', 'POST only')
    const url = new URL(request.url)
    const signature = url.searchParams.get('signature') ?? url.searchParams.get('msg_signature')
    const timestamp = url.searchParams.get('timestamp') ?? url.searchParams.get('timeStamp')
    const nonce = url.searchParams.get('nonce')
    const declaredLength = request.headers.get('content-length')
    if (declaredLength !== null && !(Number(declaredLength) <= MAX_BODY_BYTES))
      return refusal(413, 'payload_too_large', 'the callback body is too large')
    // Read at most the limit: an unauthenticated route must not buffer whatever a client streams at it.
    const bytes = await readAtMost(request.body, MAX_BODY_BYTES).catch(() => null)
    if (bytes === null) return refusal(413, 'payload_too_large', 'the callback body is too large')
    const raw = new TextDecoder().decode(bytes)
    let encrypt: string | undefined
    try {
      encrypt = text((JSON.parse(raw) as { encrypt?: unknown } | null)?.encrypt)
    } catch {
      encrypt = undefined
    }
    if (!signature || !timestamp || !nonce || !encrypt)
      return refusal(
        400,
        'invalid_request',
        'expected ?signature&timestamp&nonce and a JSON body { encrypt }',
      )
    const receiver = options.receivers.find((r) =>
      cryptos.get(r)!.verify(signature, timestamp, nonce, encrypt!),
    )
    if (!receiver) {
      logger.warn({ route: 'POST /events' }, 'directory: a callback with a bad signature was refused')
      return refusal(401, 'invalid_signature', 'the callback signature does not match')
    }
    const crypto = cryptos.get(receiver)!
    let payload: Record<string, unknown>
    try {
      payload = JSON.parse(crypto.decrypt(encrypt)) as Record<string, unknown>
      if (typeof payload !== 'object' || payload === null) throw new TypeError('not an object')
    } catch {
      logger.warn(
        { instance: receiver.instance.name },
        'directory: a signed callback did not decrypt to JSON',
      )
      return refusal(
        400,
        'invalid_request',
        'the callback does not decrypt with the configured aesKey and key',
      )
    }
    if (payload.EventType === 'check_url') return answer(crypto)
    const corpId = text(payload.CorpId) ?? receiver.instance.corpId
    if (corpId !== receiver.instance.corpId) {
      logger.warn({ instance: receiver.instance.name }, 'directory: a callback for another corp was ignored')
      return answer(crypto)
    }
    const event = toEvent(payload, corpId)
    const work = options.apply(receiver, event)
    const deadline = new Promise<'late'>((resolve) =>
      setTimeout(() => resolve('late'), answerWithinMs).unref(),
    )
    try {
      const outcome = await Promise.race([work, deadline])
      if (outcome === 'late') {
        // Still working: answer in time and finish in the background (the leave-records read is the safety net).
        work.catch((error: unknown) =>
          logger.error(
            { instance: receiver.instance.name, eventType: event.eventType, err: error },
            'directory: applying a callback event failed',
          ),
        )
      } else if (outcome === 'busy') {
        // Another process is applying it: ask DingTalk to push it again rather than risk losing it.
        return refusal(503, 'upstream_unavailable', 'the event is being applied; try again')
      }
      return answer(crypto)
    } catch (error) {
      logger.warn(
        { instance: receiver.instance.name, eventType: event.eventType, err: error },
        'directory: applying a callback event failed; DingTalk will retry',
      )
      return refusal(500, 'server_error', 'the event could not be applied; try again')
    }
  }
}
