import { randomBytes } from 'node:crypto'
import type { EmulatorContext } from '../EmulatorContext'
import type { OrgEvent } from '../events/createEventHub'
import type { EmulatorApp, EmulatorCallback } from '../fixture/EmulatorFixture'
import { callbackSignature, createCallbackCipher } from './callbackCrypto'
import type { ResolvedCallbackOptions } from './CallbackOptions'

/** The outcome of a `check_url` handshake with one app's callback URL. */
export interface CallbackCheckResult {
  clientId: string
  url: string
  ok: boolean
  /** Why it failed, in words. */
  error?: string
  checkedAt: number
}

/** A push that failed every retry, as `GET /v1.0/event/callbacks/failedResults` lists it. */
export interface FailedCallback {
  /** The plaintext JSON payload. */
  callBackData: string
  /** The event type. */
  callBackTag: string
  corpId: string
  eventTime: number
}

export interface CallbackDelivery {
  /** Runs the `check_url` handshake now (as DingTalk does when a callback URL is saved). */
  check(clientId: string): Promise<CallbackCheckResult>
  /** The last handshake of each app. */
  checks(): CallbackCheckResult[]
  /** Hands out (and forgets) up to `max` failed pushes of the app, oldest first. */
  takeFailed(clientId: string, max: number): { failedList: FailedCallback[]; hasMore: boolean }
  clear(): void
  close(): void
}

interface AppWithCallback extends EmulatorApp {
  callback: EmulatorCallback
}

/** One push as sent: the signed query and the sealed body. */
interface SealedPush {
  query: string
  body: string
}

const hasCallback = (app: EmulatorApp): app is AppWithCallback => app.callback !== undefined

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const newNonce = () => [...randomBytes(8)].map((b) => NONCE_ALPHABET[b % NONCE_ALPHABET.length]).join('')

/** The HTTP payload of an address-book event (organisation doc §5), in the current or the older spelling. */
export function callbackPayload(event: OrgEvent, spelling: 'current' | 'legacy'): Record<string, unknown> {
  const time = String(event.bornTime)
  if (spelling === 'legacy') {
    return {
      EventType: event.eventType,
      TimeStamp: time,
      CorpId: event.corpId,
      ...(event.userIds ? { UserId: event.userIds } : {}),
      ...(event.deptIds ? { DeptId: event.deptIds } : {}),
    }
  }
  return {
    EventType: event.eventType,
    EventTime: time,
    CorpId: event.corpId,
    eventId: event.eventId,
    timeStamp: time,
    ...(event.userIds ? { userId: event.userIds } : {}),
    ...(event.deptIds ? { deptId: event.deptIds } : {}),
  }
}

/**
 * DingTalk's encrypted HTTP event push: each event goes to every app of its corp with a `callback`, signed and
 * encrypted; only an encrypted, correctly signed `success` within the timeout counts; failures are retried with
 * backoff and then kept for the failed-results API.
 */
export function createCallbackDelivery(
  ctx: EmulatorContext,
  options: ResolvedCallbackOptions,
): CallbackDelivery {
  const lastChecks = new Map<string, CallbackCheckResult>()
  const failed = new Map<string, FailedCallback[]>()
  const timers = new Set<NodeJS.Timeout>()
  const requests = new Set<AbortController>()

  const sealKey = (app: AppWithCallback) =>
    app.callback.key ?? (options.key === 'corpId' ? app.corpId : app.clientId)

  /** Encrypts and signs one message now: the query and body of a push. */
  function seal(app: AppWithCallback, message: string): SealedPush {
    const { token, aesKey } = app.callback
    const cipher = createCallbackCipher(aesKey, sealKey(app))
    const timestamp = String(ctx.clock.now())
    const nonce = newNonce()
    const encrypt = cipher.encrypt(message)
    const signatureName = options.queryParams === 'signature' ? 'signature' : 'msg_signature'
    const timestampName = options.queryParams === 'signature' ? 'timestamp' : 'timeStamp'
    const query = new URLSearchParams({
      [signatureName]: callbackSignature(token, timestamp, nonce, encrypt),
      [timestampName]: timestamp,
      nonce,
    })
    return { query: query.toString(), body: JSON.stringify({ encrypt }) }
  }

  /** Posts one sealed push; resolves undefined when the answer is a valid encrypted `success`, else why not. */
  async function post(app: AppWithCallback, push: SealedPush): Promise<string | undefined> {
    const { url, token, aesKey } = app.callback
    const key = sealKey(app)
    const cipher = createCallbackCipher(aesKey, key)
    const { query } = push
    const controller = new AbortController()
    requests.add(controller)
    const timer = setTimeout(() => controller.abort(), options.timeoutMs)
    try {
      const response = await fetch(`${url}${url.includes('?') ? '&' : '?'}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: push.body,
        redirect: 'manual',
        signal: controller.signal,
      })
      const text = await response.text()
      if (response.status !== 200) return `the answer is HTTP ${response.status}`
      return checkAnswer(text, token, cipher, key)
    } catch {
      return controller.signal.aborted
        ? `no answer within ${options.timeoutMs} ms`
        : `the request to ${new URL(url).origin} failed`
    } finally {
      clearTimeout(timer)
      requests.delete(controller)
    }
  }

  function checkAnswer(
    text: string,
    token: string,
    cipher: ReturnType<typeof createCallbackCipher>,
    key: string,
  ): string | undefined {
    let answer: Record<string, unknown>
    try {
      answer = JSON.parse(text) as Record<string, unknown>
    } catch {
      return 'the answer is not JSON'
    }
    const { msg_signature: signature, timeStamp, nonce, encrypt } = answer ?? {}
    if (![signature, timeStamp, nonce, encrypt].every((v) => typeof v === 'string' && v !== ''))
      return 'the answer lacks msg_signature, timeStamp, nonce or encrypt'
    if (callbackSignature(token, timeStamp as string, nonce as string, encrypt as string) !== signature)
      return 'the answer’s msg_signature does not match'
    let opened: { message: string; key: string }
    try {
      opened = cipher.decrypt(encrypt as string)
    } catch {
      return 'the answer’s encrypt does not decrypt with the aesKey'
    }
    if (opened.key !== key) return 'the answer is sealed with another $key'
    if (opened.message !== 'success') return 'the answer decrypts to something else than "success"'
    return undefined
  }

  function schedule(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer)
      run()
    }, ms)
    timer.unref()
    timers.add(timer)
  }

  function deliver(app: AppWithCallback, event: OrgEvent, attempts: number, first?: SealedPush): void {
    const payload = JSON.stringify(callbackPayload(event, options.payloadSpelling))
    const push = first && options.retrySigning === 'original' ? first : seal(app, payload)
    void post(app, push).then((error) => {
      const delivery = { clientId: app.clientId, channel: 'callback' as const, attempts }
      if (error === undefined) {
        ctx.events.recordDelivery(event.eventId, { ...delivery, status: 'acked' })
        return
      }
      const retryIn = options.retryDelaysMs[attempts - 1]
      if (retryIn === undefined) {
        ctx.events.recordDelivery(event.eventId, { ...delivery, status: 'failed', lastError: error })
        const list = failed.get(app.clientId) ?? []
        list.push({
          callBackData: payload,
          callBackTag: event.eventType,
          corpId: event.corpId,
          eventTime: event.bornTime,
        })
        if (list.length > options.maxFailedResults) list.splice(0, list.length - options.maxFailedResults)
        failed.set(app.clientId, list)
        return
      }
      ctx.events.recordDelivery(event.eventId, { ...delivery, status: 'pending', lastError: error })
      schedule(retryIn, () => deliver(app, event, attempts + 1, first ?? push))
    })
  }

  const unsubscribe = ctx.events.subscribe((event) => {
    for (const app of ctx.index.fixture.apps) {
      if (!hasCallback(app) || !app.published || app.corpId !== event.corpId) continue
      ctx.events.recordDelivery(event.eventId, {
        clientId: app.clientId,
        channel: 'callback',
        attempts: 1,
        status: 'pending',
      })
      deliver(app, event, 1)
    }
  })

  async function check(clientId: string): Promise<CallbackCheckResult> {
    const app = ctx.index.findApp(clientId)
    if (!app || !hasCallback(app)) throw new TypeError(`app ${clientId} has no callback in the fixture`)
    const error = await post(app, seal(app, JSON.stringify({ EventType: 'check_url' })))
    const result: CallbackCheckResult = {
      clientId,
      url: app.callback.url,
      ok: error === undefined,
      ...(error ? { error } : {}),
      checkedAt: ctx.clock.now(),
    }
    lastChecks.set(clientId, result)
    return result
  }

  if (options.checkOnStart) {
    for (const app of ctx.index.fixture.apps) if (hasCallback(app) && app.published) void check(app.clientId)
  }

  return {
    check,
    checks: () => [...lastChecks.values()].map((r) => ({ ...r })),
    takeFailed(clientId, max) {
      const list = failed.get(clientId) ?? []
      const failedList = list.splice(0, max)
      return { failedList, hasMore: list.length > 0 }
    },
    clear() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      failed.clear()
      lastChecks.clear()
    },
    close() {
      unsubscribe()
      this.clear()
      for (const controller of requests) controller.abort()
    },
  }
}
