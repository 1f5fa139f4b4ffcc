import { DingTalkAuthError } from '../errors'

/** Per-call options of the login methods. */
export interface LoginCallOptions {
  /** Aborts the DingTalk calls of this login. */
  signal?: AbortSignal
}

/** Parameters of `DDInnerAuthSvc.loginByWorkbench`. */
export interface WorkbenchLoginParams extends LoginCallOptions {
  corpId: string
  /** The free-login code from `dd.requestAuthCode`. */
  authCode: string
  /** The client platform (`ios`, `android`, `pc`, …), for logs. */
  platform?: string
}

/** Parameters of `DDInnerAuthSvc.loginByQrCode`. */
export interface QrLoginParams extends LoginCallOptions {
  /** The OAuth authCode from the QR / login page. */
  code: string
  /** `web` or `mobile`, for logs. */
  platform?: string
  /** Picks the instance by corp (needed when several instances exist and `instance` is not given). */
  corpId?: string
  /** Picks the instance by name. */
  instance?: string
}

const CODE_PATTERN = /^[\x21-\x7e]{1,512}$/
const PLATFORM_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/

/** A DingTalk code (`code`, `authCode`): printable ASCII, at most 512 characters; else `invalid_request`. */
export function requireCode(value: unknown, field: string): string {
  if (typeof value !== 'string' || !CODE_PATTERN.test(value)) {
    throw new DingTalkAuthError('invalid_request', {
      field,
      detail: `${field} must be a non-empty code of printable ASCII`,
    })
  }
  return value
}

/** The client platform for logs: a short name, `'unknown'` when absent; else `invalid_request`. */
export function optionalPlatform(value: unknown): string {
  if (value === undefined || value === null) return 'unknown'
  if (typeof value !== 'string' || !PLATFORM_PATTERN.test(value)) {
    throw new DingTalkAuthError('invalid_request', {
      field: 'platform',
      detail: 'platform must be a short name such as "web"',
    })
  }
  return value
}

/** An optional name (`corpId`, `instance`): `undefined` when absent or empty; else `invalid_request`. */
export function optionalName(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string' || value.length > 128) {
    throw new DingTalkAuthError('invalid_request', { field, detail: `${field} must be a string` })
  }
  return value
}
