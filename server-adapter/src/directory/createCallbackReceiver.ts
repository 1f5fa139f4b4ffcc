import { createHash, randomBytes } from 'node:crypto'
import { DingTalkAuthError } from '../errors'
import type { Logger } from '../logger'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { DirectoryEvent, EventOutcome } from './applyDirectoryEvent'
import { createCallbackCrypto } from './callbackCrypto'
import type { CallbackCrypto } from './callbackCrypto'
import type { ResolvedDirectorySettings } from './DirectoryOptions'

/** One DingTalk HTTP callback as it arrived: the signature, timestamp and nonce of its query, its body's `encrypt`. */
export interface DirectoryCallback {
  signature: string
  timestamp: string
  nonce: string
  encrypt: string
}

/** The answer DingTalk waits for: the string `success`, sealed and signed with the app's callback keys. */
export interface DirectoryCallbackAnswer {
  msg_signature: string
  timeStamp: string
  nonce: string
  encrypt: string
}

/** How to answer one callback. */
export type DirectoryCallbackResult =
  /** Taken (applied, a duplicate, ignored, or finishing in the background): the `success` DingTalk waits for. */
  | { outcome: 'success'; answer: DirectoryCallbackAnswer }
  /** Another process is applying the same event right now: no `success`, so DingTalk pushes it again. */
  | { outcome: 'redeliver' }

/** What serves `POST {basePath}/events`: the instances' HTTP callbacks. */
export interface DirectoryCallbackReceiver {
  /** Whether any instance receives HTTP callbacks (`events: 'callback'`). */
  readonly receivesCallbacks: boolean
  /**
   * Checks the signature (else `invalid_signature`), opens the message with the keys of the first instance whose
   * token signs it and whose aesKey and `$key` open it (`invalid_request` when none does: instances may share one
   * token and aesKey), checks that it was signed within that instance's `callbackReplayWindow` (else
   * `invalid_signature`; nothing is applied after any refusal), answers the `check_url` handshake, applies an
   * address-book event once, and resolves the encrypted `success` in time (work still running then finishes in the
   * background), or `redeliver` for an event another process is applying. Throws `DingTalkAuthError` for every
   * refusal; DingTalk pushes a refused callback again.
   */
  receiveCallback(callback: DirectoryCallback): Promise<DirectoryCallbackResult>
}

/** One instance that receives HTTP callbacks. */
export interface CallbackInstance {
  instance: DDInnerAuth
  settings: ResolvedDirectorySettings
}

/** Options of {@link createCallbackReceiver}. */
export interface CallbackReceiverOptions {
  receivers: readonly CallbackInstance[]
  apply: (receiver: CallbackInstance, event: DirectoryEvent) => Promise<EventOutcome>
  logger: Logger
  now: () => number
  /** DingTalk counts an answer later than 1500 ms as a failure: answer `success` by then and finish in the background. @default 1_000 */
  answerWithinMs?: number
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
}

/** The event in a callback payload, in the current spelling or the older one (`UserId`, `DeptId`, `TimeStamp`). */
function toEvent(payload: Record<string, unknown>, corpId: string, now: () => number): DirectoryEvent {
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
    bornTime: Number.isFinite(time) ? time : now(),
    userIds: list(payload.userId ?? payload.UserId).map(String),
    deptIds: list(payload.deptId ?? payload.DeptId)
      .map(Number)
      .filter((id) => Number.isSafeInteger(id)),
  }
}

/** DingTalk's encrypted HTTP callbacks of every instance with `events: 'callback'`. */
export function createCallbackReceiver(options: CallbackReceiverOptions): DirectoryCallbackReceiver {
  const { logger, now } = options
  const answerWithinMs = options.answerWithinMs ?? 1_000
  const cryptos = new Map<CallbackInstance, CallbackCrypto>(
    options.receivers.map((receiver) => {
      const keys = receiver.settings.callback!
      return [
        receiver,
        createCallbackCrypto(keys.token, keys.aesKey, keys.key ?? receiver.instance.authConfig.appKey),
      ]
    }),
  )

  function answer(crypto: CallbackCrypto): DirectoryCallbackAnswer {
    const timeStamp = String(now())
    const nonce = randomBytes(6).toString('hex')
    const encrypt = crypto.encrypt('success')
    return { msg_signature: crypto.sign(timeStamp, nonce, encrypt), timeStamp, nonce, encrypt }
  }

  /** The message as JSON, or `undefined` when it is not sealed with this receiver's aesKey and `$key`. */
  function open(crypto: CallbackCrypto, encrypt: string): Record<string, unknown> | undefined {
    try {
      const payload = JSON.parse(crypto.decrypt(encrypt)) as unknown
      return typeof payload === 'object' && payload !== null
        ? (payload as Record<string, unknown>)
        : undefined
    } catch {
      // No cause kept: JSON.parse's message quotes the decrypted text, which is the sender's data, not ours to log.
      return undefined
    }
  }

  /**
   * The receiver the callback is for, and its message. The signature covers only the token, which instances may
   * share (one top-level `directory.callback`); the `$key` sealed in the message (the AppKey) tells them apart.
   */
  function receiverOf(callback: DirectoryCallback): {
    receiver: CallbackInstance
    crypto: CallbackCrypto
    payload: Record<string, unknown>
  } {
    const { signature, timestamp, nonce, encrypt } = callback
    const signers = options.receivers.filter((r) =>
      cryptos.get(r)!.verify(signature, timestamp, nonce, encrypt),
    )
    if (signers.length === 0) {
      // Warned, not only refused: a wrong token in the configuration refuses every push DingTalk makes.
      logger.warn(
        { route: 'POST /events' },
        'directory: a callback with a bad signature was refused (check directory.callback.token)',
      )
      throw new DingTalkAuthError('invalid_signature', {
        detail: 'no instance with events: callback signs this callback with its token',
      })
    }
    for (const receiver of signers) {
      const crypto = cryptos.get(receiver)!
      const payload = open(crypto, encrypt)
      if (payload) return { receiver, crypto, payload }
    }
    logger.warn(
      { instances: signers.map((r) => r.instance.name) },
      'directory: a signed callback did not decrypt to JSON with the aesKey and key of any instance its token signs (check directory.callback.aesKey and key)',
    )
    throw new DingTalkAuthError('invalid_request', {
      field: 'encrypt',
      detail: 'the callback does not decrypt with the configured aesKey and key',
    })
  }

  /** Applies the event, or leaves it to finish in the background when it takes longer than the answer may. */
  async function apply(receiver: CallbackInstance, event: DirectoryEvent): Promise<EventOutcome | 'late'> {
    const work = options.apply(receiver, event)
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), answerWithinMs)
    })
    let outcome: EventOutcome | 'late'
    try {
      outcome = await Promise.race([work, deadline])
    } catch (cause) {
      throw new DingTalkAuthError('server_error', {
        cause,
        detail: `directory: applying a ${event.eventType} callback failed; DingTalk will push it again`,
      })
    } finally {
      clearTimeout(timer)
    }
    if (outcome === 'late') {
      // Still working: answer in time and finish in the background (the leave-records read is the safety net).
      work.catch((error: unknown) =>
        logger.error(
          { instance: receiver.instance.name, eventType: event.eventType, err: error },
          'directory: applying a callback event failed',
        ),
      )
    }
    return outcome
  }

  return {
    receivesCallbacks: options.receivers.length > 0,
    async receiveCallback(callback) {
      const { receiver, crypto, payload } = receiverOf(callback)
      const skewMs = Math.abs(now() - Number(callback.timestamp))
      if (!(skewMs <= receiver.settings.callbackReplayWindowMs)) {
        logger.warn(
          { instance: receiver.instance.name, skewMs: Number.isFinite(skewMs) ? skewMs : null },
          'directory: a callback signed too long ago or ahead was refused (a replay, or a clock off: check NTP)',
        )
        throw new DingTalkAuthError('invalid_signature', {
          detail: `the callback's timestamp is outside directory.callbackReplayWindow of this server's clock`,
        })
      }
      const success = (): DirectoryCallbackResult => ({ outcome: 'success', answer: answer(crypto) })
      if (payload.EventType === 'check_url') return success()
      const corpId = text(payload.CorpId) ?? receiver.instance.corpId
      if (corpId !== receiver.instance.corpId) {
        logger.warn(
          { instance: receiver.instance.name },
          'directory: a callback for another corp was ignored',
        )
        return success()
      }
      const event = toEvent(payload, corpId, now)
      if ((await apply(receiver, event)) === 'busy') {
        // Not an error: the other process either finishes it (the redelivery is then a duplicate) or fails and
        // drops its claim (the redelivery applies it here). Answering `success` now could lose it.
        logger.info(
          { instance: receiver.instance.name, eventType: event.eventType, eventId: event.eventId },
          `directory: event ${event.eventId} is being applied by another process; DingTalk will redeliver`,
        )
        return { outcome: 'redeliver' }
      }
      return success()
    },
  }
}
