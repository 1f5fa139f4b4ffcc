/** One log method: pino's `(obj, msg)` shape, or just a message. */
export interface LogFn {
  (obj: Record<string, unknown>, msg?: string): void
  (msg: string): void
}

/**
 * The logger the SDK writes to: the shape of pino (and of most structured loggers), so a pino instance can be
 * passed as is. Everything the SDK logs goes through {@link createMaskingLogger} first.
 */
export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
}

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent']

const noop: LogFn = () => {}

/** A logger that drops everything. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop })

/**
 * A logger that writes one line per entry to the console at or above `level`.
 * @param level - lowest level written. @default 'warn'
 */
export function createConsoleLogger(level: LogLevel = 'warn'): Logger {
  const min = LEVELS.indexOf(level)
  const make =
    (name: Exclude<LogLevel, 'silent'>): LogFn =>
    (objOrMsg: Record<string, unknown> | string, msg?: string) => {
      if (LEVELS.indexOf(name) < min) return
      const line = typeof objOrMsg === 'string' ? objOrMsg : `${msg ?? ''} ${safeStringify(objOrMsg)}`.trim()
      console[name](`[dingtalk-login-server] ${line}`)
    }
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch {
    return '[unserialisable]'
  }
}

const SECRET_KEY =
  /(code|token|secret|password|passwd|state|authorization|cookie|signature|ticket|credential)/i
const PHONE_KEY = /(mobile|phone|telephone)/i
/** Keys whose values are stable, public codes (the handler's error code), never secrets. */
const READABLE_KEYS = new Set(['errorCode'])
// Mainland mobile numbers (11 digits starting with 1, also written 138-0013-8000 or 138 0013 8000), with an
// optional country prefix.
const PHONE_IN_TEXT = /(?<![\dA-Za-z])(?:\+?\d{1,3}[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)/g
// `key=value` / `key: value` / `"key":"value"` where the key names a secret in any case or spelling
// (APPSECRET, client_secret, tmp_auth_code, x-acs-dingtalk-access-token, dingtalk_session, dingtalk_login_state).
const SECRET_IN_TEXT =
  /\b([\w-]*(?:token|secret|code|state|session|password|passwd|ticket|signature|credential))(["']?\s*[=:]\s*["']?)([^&"'\s,;}]+)/gi
const BEARER_IN_TEXT = /\b(Bearer\s+)([A-Za-z0-9._~+/=-]+)/gi
// A JWT anywhere: base64url header starting `eyJ`, then payload and signature.
const JWT_IN_TEXT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g

/**
 * Masks a secret-like string: keeps nothing but its length, so two different values are not linkable in logs.
 * @example maskValue('9f8e7d6c5b4a39281706f5e4d3c2b1a0') // '***(32)'
 */
export function maskValue(value: string): string {
  return `***(${value.length})`
}

/** Masks a phone number, keeping the last two digits for support: `'13800138000'` → `'*********00'`. */
export function maskPhone(value: string): string {
  return value.length <= 2 ? '**' : `${'*'.repeat(value.length - 2)}${value.slice(-2)}`
}

/** Masks phone numbers, bearer tokens, JWTs and `key=value` secrets inside free text (error messages, URLs). */
export function maskText(text: string): string {
  return text
    .replace(BEARER_IN_TEXT, (_m, prefix: string, value: string) => `${prefix}${maskValue(value)}`)
    .replace(JWT_IN_TEXT, (m) => maskValue(m))
    .replace(
      SECRET_IN_TEXT,
      (_m, key: string, sep: string, value: string) => `${key}${sep}${maskValue(value)}`,
    )
    .replace(PHONE_IN_TEXT, (m) => maskPhone(m))
}

/**
 * Returns a deep copy of `value` with every secret masked: values under keys that name a code, token, secret,
 * state, password, cookie or authorization; phone numbers (by key and inside text); `key=value` secrets inside
 * strings. Errors become `{ name, message, code?, status?, requestId?, cause? }`.
 */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]'
  if (typeof value === 'string') return maskText(value)
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Error) {
    const e = value as Error & Record<string, unknown>
    const out: Record<string, unknown> = { name: e.name, message: maskText(e.message) }
    for (const key of [
      'code',
      'errcode',
      'subCode',
      'status',
      'requestId',
      'endpoint',
      'timedOut',
      'field',
    ]) {
      if (e[key] !== undefined) out[key] = maskSecrets(e[key], depth + 1)
    }
    if (e.cause !== undefined) out.cause = maskSecrets(e.cause, depth + 1)
    return out
  }
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (READABLE_KEYS.has(key) && typeof item === 'string') out[key] = item
    else if ((typeof item === 'string' || typeof item === 'number') && PHONE_KEY.test(key))
      out[key] = maskPhone(String(item))
    else if (typeof item === 'string' && SECRET_KEY.test(key)) out[key] = maskValue(item)
    else out[key] = maskSecrets(item, depth + 1)
  }
  return out
}

/**
 * Wraps a logger so that everything written through it is masked by {@link maskSecrets}. Use it around your
 * own logger if you log SDK objects yourself.
 */
export function createMaskingLogger(base: Logger): Logger {
  const wrap =
    (fn: LogFn): LogFn =>
    (objOrMsg: Record<string, unknown> | string, msg?: string) => {
      try {
        if (typeof objOrMsg === 'string') fn(maskText(objOrMsg))
        else
          fn(maskSecrets(objOrMsg) as Record<string, unknown>, msg === undefined ? undefined : maskText(msg))
      } catch {
        // A logger must never break a login.
      }
    }
  return {
    debug: wrap(base.debug.bind(base)),
    info: wrap(base.info.bind(base)),
    warn: wrap(base.warn.bind(base)),
    error: wrap(base.error.bind(base)),
  }
}
