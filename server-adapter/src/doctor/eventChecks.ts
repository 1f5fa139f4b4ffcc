import type { CheckGroupResult, DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import { NOT_CHECKED, instanceCheck, trimSlash } from './DoctorContext'
import type { DoctorCheck } from './DoctorReport'
import { LOOPBACK } from './localChecks'
import { bodyString, isRefusedFirst, probe, v1Code } from './probe'

const OPEN_CONNECTION_PATH = '/v1.0/gateway/connections/open'
const STREAM_CONSOLE =
  'developer console → the app → 事件订阅 → Stream 模式推送, with the address-book events'

/**
 * Stream mode: asks the gateway for a connection ticket as the Stream client does, without connecting. The ticket
 * is single use and lapses unused (about 90 s), so no connection is opened and no event is taken from the leader.
 */
export async function checkStreamTicket(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
): Promise<CheckGroupResult> {
  const answer = await probe(settings, `${trimSlash(settings.apiBase)}${OPEN_CONNECTION_PATH}`, {
    method: 'POST',
    // DingTalk: without Accept: application/json the gateway answers XML.
    headers: { accept: 'application/json' },
    json: {
      clientId: instance.appKey,
      clientSecret: instance.appSecret,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
      ua: 'dingtalk-login-server-doctor',
    },
  })
  const id = 'events:stream'
  const endpoint = bodyString(answer, 'endpoint')
  if (answer.kind === 'answer' && answer.status === 200 && endpoint && bodyString(answer, 'ticket')) {
    return {
      checks: [
        instanceCheck(
          instance,
          id,
          'ok',
          // The ticket itself is a credential: never shown.
          `DingTalk's Stream gateway hands out connection tickets (endpoint ${endpoint}); which events arrive is chosen in the console`,
        ),
      ],
      answers: [answer],
    }
  }
  if (isRefusedFirst(answer)) {
    return {
      checks: [
        instanceCheck(
          instance,
          id,
          'warn',
          `${NOT_CHECKED}DingTalk refused the call first`,
          'Fix the finding below, then run the doctor again',
        ),
      ],
      answers: [answer],
    }
  }
  const detail =
    answer.kind === 'unreachable'
      ? answer.timedOut
        ? `no answer within ${settings.timeoutMs} ms`
        : 'no connection'
      : `HTTP ${answer.status}${v1Code(answer) ? ` ${v1Code(answer)}` : ''}`
  return {
    checks: [
      instanceCheck(
        instance,
        id,
        'fail',
        `events: 'stream', but DingTalk's Stream gateway (POST ${OPEN_CONNECTION_PATH}) gave no connection ticket: ${detail}; no directory event will arrive`,
        `Turn Stream mode on (${STREAM_CONSOLE}) and publish the app; let this server reach ${trimSlash(settings.apiBase)} and wss-open-connection.dingtalk.com`,
      ),
    ],
    answers: [answer],
  }
}

/** DingTalk's EncodingAESKey: 43 base64 characters, the AES-256 key once a `=` is added. */
const AES_KEY = /^[A-Za-z0-9+/]{43}$/
const CALLBACK_CONSOLE = 'developer console → the app → 事件订阅 → HTTP 推送'

/** HTTP callbacks: the token and aesKey have the console's shapes (DingTalk gives no API to compare them). */
export function checkCallbackKeys(
  instance: DoctorInstance,
  keys: { token: string; aesKey: string } | undefined,
): DoctorCheck {
  const id = 'events:callback-keys'
  const fix = `Copy 签名 token and 加密 aes_key again from the ${CALLBACK_CONSOLE} into directory.callback`
  if (!keys || typeof keys.token !== 'string' || keys.token === '') {
    return instanceCheck(instance, id, 'fail', "events: 'callback', but callback.token is missing", fix)
  }
  const aesKey: unknown = keys.aesKey
  if (typeof aesKey !== 'string' || !AES_KEY.test(aesKey)) {
    // Never the key itself: only what is wrong with its shape.
    const shape =
      typeof aesKey !== 'string'
        ? 'missing'
        : aesKey.length !== 43
          ? `${aesKey.length} characters long`
          : 'not base64 (A–Z, a–z, 0–9, +, /)'
    return instanceCheck(
      instance,
      id,
      'fail',
      `callback.aesKey is ${shape}: DingTalk's EncodingAESKey is 43 base64 characters, so no callback could be decrypted`,
      fix,
    )
  }
  return instanceCheck(
    instance,
    id,
    'ok',
    'callback token and aesKey are well-formed (a mismatch with the console shows as 401 answers to DingTalk’s pushes)',
  )
}

/**
 * HTTP callbacks: the URL DingTalk must push to. It is `<publicOrigin><basePath>/events`, registered in the
 * console; plain http is warned about unless DingTalk itself is local (the emulator).
 */
export function checkCallbackUrl(instance: DoctorInstance, settings: DoctorDingTalkSettings): DoctorCheck {
  const id = 'events:callback-url'
  const url = settings.eventsUrl
  if (url === undefined) {
    return instanceCheck(
      instance,
      id,
      'warn',
      `${NOT_CHECKED}the public origin is unknown, so the events URL DingTalk must push to is too`,
      'Give publicOrigin (http.publicOrigin, or --public-origin) so the doctor can check <publicOrigin><basePath>/events',
    )
  }
  const register = `register ${url} in the ${CALLBACK_CONSOLE} (请求网址)`
  const { protocol, hostname } = new URL(url)
  if (protocol === 'https:') {
    return instanceCheck(instance, id, 'ok', `DingTalk pushes events to ${url}: ${register}`)
  }
  if (LOOPBACK.test(hostname) && LOOPBACK.test(new URL(settings.apiBase).hostname)) {
    return instanceCheck(
      instance,
      id,
      'ok',
      `events URL ${url} (local development against a local DingTalk): ${register}`,
    )
  }
  return instanceCheck(
    instance,
    id,
    'warn',
    `the events URL ${url} is plain http${LOOPBACK.test(hostname) ? ' on this machine, which DingTalk cannot reach' : ': the encrypted pushes travel without TLS'}`,
    `Serve the app over https, set publicOrigin to it and ${register}; or use events: 'stream' (no public URL needed)`,
  )
}
