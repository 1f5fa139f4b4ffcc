import type { Awaitable } from '../dingtalk/tokenCache'
import { DingTalkAuthError } from '../errors'
import type { DDInnerAuthModel, LocalUser } from '../store/BindingStore'
import type { DirectoryPerson } from '../store/DirectoryStore'
import type { DirectoryLeaderOptions, DirectoryStreamOptions } from './DirectoryTiming'
import { parseInterval } from './parseInterval'

/** Keys of DingTalk's encrypted HTTP callbacks (事件订阅 → HTTP 推送), as set in the developer console. */
export interface DirectoryCallbackKeys {
  /** The signature token (签名 token). */
  token: string
  /** The 43-character EncodingAESKey (加密 aes_key). */
  aesKey: string
  /** The `$key` sealed into each message: the AppKey for internal apps (the default), or the corpId. */
  key?: string
}

/** What happened to a person, for the lifecycle hooks. */
export interface DirectoryPersonEvent {
  /** The instance (login type) name of the corp. */
  instance: string
  corpId: string
  /** The person as now stored. */
  person: DirectoryPerson
  /** Their binding, when they ever logged in. */
  binding: DDInnerAuthModel | null
  /** The local user of the binding in the store's users table (`null` when unbound or your own user). */
  user: LocalUser | null
  /**
   * How the change was learnt. `'login'`: someone recorded as left logged in, so is back (DingTalk gives login codes
   * to members only), before a crawl or an event said so.
   */
  source: 'event' | 'crawl' | 'leave-records' | 'login'
}

/** Directory settings, for every instance or overridden per instance name. */
export interface DirectorySettings {
  /**
   * How changes arrive between full crawls: `'stream'` (Stream mode over a WebSocket, no public URL needed),
   * `'callback'` (encrypted HTTP callbacks at `POST {basePath}/events`) or `'none'`. @default 'none'
   */
  events?: 'stream' | 'callback' | 'none'
  /**
   * How often the leader crawls the whole directory: `'24h'`, `'30m'`, ms, or `false` for never. After a crawl that
   * came back incomplete (nobody is marked left then) it tries again an hour later, or after this if shorter.
   * @default '24h'
   */
  fullSyncEvery?: string | number | false
  /** `'disable'`: a leaver's sessions end at once; `'keep'`: only record the leave. @default 'disable' */
  leavers?: 'disable' | 'keep'
  /** Keys of the HTTP callbacks (needed with `events: 'callback'`). */
  callback?: DirectoryCallbackKeys
  /**
   * How far the signed `timestamp` (ms) of an HTTP callback may be from this server's clock, either way, before
   * the callback is refused like a bad signature (401 `invalid_signature`, nothing applied): `'5m'`, `'90s'` or ms.
   * The signature proves who sealed a push, not when: without a window, anyone who once saw a signed push (a proxy
   * log, a capture) could send it again at any later time, once its `eventId` is forgotten. Leave room for the
   * clock skew between DingTalk and this server. *[U]* Whether DingTalk signs a retried push anew is not confirmed:
   * if it resends the first request, a retry later than the window (this server was down longer) is refused the
   * same way, and only the leave-records read catches a leave in it; a wider window takes such retries.
   * @default '5m'
   */
  callbackReplayWindow?: string | number
  /**
   * How often leave records are read to catch leaves missed while disconnected: ms, `'5m'`, or `false`. After a
   * failed read (a permission not granted, throttling, the monthly quota) the next try waits this long, then twice
   * as long after each further failure, up to an hour (or this, when longer); the cause is warned about once.
   * @default '5m'
   */
  leaveRecordsEvery?: string | number | false
}

/** The `directory` option of `createDingTalkAuth`. */
export interface DirectoryOptions extends DirectorySettings {
  /** Settings of single instances (by instance name) over the ones above. */
  instances?: Readonly<Record<string, DirectorySettings>>
  /** DingTalk calls a crawl keeps in flight at once. @default 4 */
  concurrency?: number
  /** The leader lease: how long it lasts and how often it is renewed. Defaults suit production. */
  leader?: DirectoryLeaderOptions
  /** The Stream connection's heartbeat and reconnect backoff. Defaults suit production. */
  stream?: DirectoryStreamOptions
  /** Someone joined (or was first seen by a sync), or came back (same unionId; also learnt from their login). */
  onPersonJoined?: (event: DirectoryPersonEvent) => Awaitable<void>
  /** Someone's departments, title or other listed fields changed. */
  onPersonChanged?: (event: DirectoryPersonEvent) => Awaitable<void>
  /** Someone left: their binding is marked left and (with `leavers: 'disable'`) every session of theirs revoked. */
  onPersonLeft?: (event: DirectoryPersonEvent) => Awaitable<void>
}

/** Settings of one instance with every default filled in. */
export interface ResolvedDirectorySettings {
  events: 'stream' | 'callback' | 'none'
  fullSyncEveryMs: number | false
  leavers: 'disable' | 'keep'
  callback: DirectoryCallbackKeys | undefined
  callbackReplayWindowMs: number
  leaveRecordsEveryMs: number | false
}

function checkCallbackKeys(keys: DirectoryCallbackKeys | undefined, where: string): void {
  if (!keys) {
    throw new DingTalkAuthError('config_error', {
      detail: `directory: ${where}events is 'callback' but callback: { token, aesKey } is missing (copy both from the DingTalk console, 事件订阅 → HTTP 推送)`,
    })
  }
  if (typeof keys.token !== 'string' || keys.token === '')
    throw new DingTalkAuthError('config_error', {
      detail: `directory: ${where}callback.token must be a non-empty string`,
    })
  if (typeof keys.aesKey !== 'string' || !/^[A-Za-z0-9+/]{43}$/.test(keys.aesKey)) {
    throw new DingTalkAuthError('config_error', {
      detail: `directory: ${where}callback.aesKey must be the 43-character EncodingAESKey from the DingTalk console`,
    })
  }
}

/** The settings of one instance: its own over the shared ones over the defaults. Throws `config_error`. */
export function resolveDirectorySettings(
  options: DirectoryOptions,
  instance: string,
): ResolvedDirectorySettings {
  const own = options.instances?.[instance] ?? {}
  const where = options.instances?.[instance] ? `instances.${instance}.` : ''
  const events = own.events ?? options.events ?? 'none'
  if (events !== 'stream' && events !== 'callback' && events !== 'none') {
    throw new DingTalkAuthError('config_error', {
      detail: `directory: ${where}events must be 'stream', 'callback' or 'none', found ${JSON.stringify(events)}`,
    })
  }
  const leavers = own.leavers ?? options.leavers ?? 'disable'
  if (leavers !== 'disable' && leavers !== 'keep') {
    throw new DingTalkAuthError('config_error', {
      detail: `directory: ${where}leavers must be 'disable' or 'keep', found ${JSON.stringify(leavers)}`,
    })
  }
  const callback = own.callback ?? options.callback
  if (events === 'callback') checkCallbackKeys(callback, where)
  return {
    events,
    leavers,
    callback,
    fullSyncEveryMs: parseInterval(
      own.fullSyncEvery ?? options.fullSyncEvery ?? '24h',
      `${where}fullSyncEvery`,
    ),
    leaveRecordsEveryMs: parseInterval(
      own.leaveRecordsEvery ?? options.leaveRecordsEvery ?? '5m',
      `${where}leaveRecordsEvery`,
    ),
    callbackReplayWindowMs: parseInterval(
      own.callbackReplayWindow ?? options.callbackReplayWindow ?? '5m',
      `${where}callbackReplayWindow`,
    ),
  }
}
