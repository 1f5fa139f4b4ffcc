import type { DingTalkLocale, DingTalkLoginErrorCode, QrLoginStatus, WorkbenchLoginStatus } from '../core'

/** Every text the components show. */
export interface DingTalkLoginTexts {
  /** Status line of `DingTalkQrLogin` per state; a state without text shows none. */
  qr: Partial<Record<QrLoginStatus, string>>
  /** Status line of `WorkbenchAutoLogin` per state. */
  workbench: Partial<Record<WorkbenchLoginStatus, string>>
  /** Shown for a failure unless `errors` has a text for its code or the backend sent its own message. */
  error: string
  /** Error message per error code, e.g. `{ timeout: '…' }`. */
  errors: Partial<Record<DingTalkLoginErrorCode, string>>
  /** Label of the retry button. */
  retry: string
  /** Label of the "new QR code" button. */
  refresh: string
  /**
   * Shown when free login failed and `DingTalkLogin` fell back to the QR code: after the error's own message or the
   * app's `errors` text for its code, else in place of the built-in error texts (no retry is offered there).
   */
  fallbackAfterError: string
}

/** Partial {@link DingTalkLoginTexts}, merged over the locale's defaults. */
export type DingTalkLoginTextsOverride = Partial<DingTalkLoginTexts>

// One table per component, so that a page with only the QR login does not ship the workbench texts (the shared
// strings cost little twice under gzip). The QR login has no timeout text of its own: the generic text fits.
type Common = Pick<DingTalkLoginTexts, 'error' | 'errors' | 'retry'>
type QrTexts = Pick<DingTalkLoginTexts, 'error' | 'retry' | 'qr' | 'refresh'>
type WorkbenchTexts = Common & Pick<DingTalkLoginTexts, 'workbench' | 'fallbackAfterError'>

const qr: Record<DingTalkLocale, QrTexts> = {
  'zh-CN': {
    error: '登录失败，请重试',
    retry: '重试',
    qr: {
      'loading-config': '正在加载二维码…',
      'loading-script': '正在加载二维码…',
      'waiting-for-scan': '请用钉钉扫码登录',
      exchanging: '正在登录…',
      success: '登录成功',
    },
    refresh: '刷新二维码',
  },
  en: {
    error: 'Sign-in failed. Please try again',
    retry: 'Try again',
    qr: {
      'loading-config': 'Loading QR code…',
      'loading-script': 'Loading QR code…',
      'waiting-for-scan': 'Scan with DingTalk to sign in',
      exchanging: 'Signing in…',
      success: 'Signed in',
    },
    refresh: 'New QR code',
  },
}

const workbench: Record<DingTalkLocale, WorkbenchTexts> = {
  'zh-CN': {
    error: '登录失败，请重试',
    errors: { timeout: '钉钉响应超时，请重试' },
    retry: '重试',
    workbench: {
      detecting: '正在检测钉钉环境…',
      'not-in-dingtalk': '请在钉钉中打开，或使用扫码登录',
      'requesting-code': '正在通过钉钉免登…',
      exchanging: '正在登录…',
      success: '登录成功',
    },
    fallbackAfterError: '钉钉免登失败，请扫码登录',
  },
  en: {
    error: 'Sign-in failed. Please try again',
    errors: { timeout: 'DingTalk timed out. Please try again' },
    retry: 'Try again',
    workbench: {
      detecting: 'Checking for DingTalk…',
      'not-in-dingtalk': 'Open this page in DingTalk, or sign in with the QR code',
      'requesting-code': 'Signing in through DingTalk…',
      exchanging: 'Signing in…',
      success: 'Signed in',
    },
    fallbackAfterError: 'DingTalk sign-in failed. Sign in with the QR code instead',
  },
}

/** The texts `DingTalkQrLogin` uses, for `locale` with `override` merged in. */
export function resolveQrTexts(locale: DingTalkLocale = 'zh-CN', override: DingTalkLoginTextsOverride = {}) {
  const base = qr[locale]
  return { ...base, ...override, qr: { ...base.qr, ...override.qr } }
}

/** The texts `WorkbenchAutoLogin` uses, for `locale` with `override` merged in. */
export function resolveWorkbenchTexts(
  locale: DingTalkLocale = 'zh-CN',
  override: DingTalkLoginTextsOverride = {},
) {
  const base = workbench[locale]
  return {
    ...base,
    ...override,
    workbench: { ...base.workbench, ...override.workbench },
    errors: { ...base.errors, ...override.errors },
  }
}

/** All built-in texts of `locale`, e.g. as the base of your own translation. */
export function getDefaultTexts(locale: DingTalkLocale = 'zh-CN'): DingTalkLoginTexts {
  return { ...qr[locale], ...workbench[locale] }
}

/**
 * The message to show for `error`: the backend's own (already in the asked language); with `frame` also DingTalk's
 * own reason from the QR page (e.g. "用户取消了授权"; those errors have no `cause`, unlike a crash mapped to the same
 * code); an `origin-mismatch` as it is (a setup mistake: it names both origins and the fix); else ours for the
 * code, or ours.
 */
export function errorText(
  error: { code: DingTalkLoginErrorCode; serverCode?: string; message: string; cause?: unknown },
  texts: Pick<DingTalkLoginTexts, 'error'> & Pick<DingTalkLoginTextsOverride, 'errors'>,
  frame?: boolean,
): string {
  const showOwnMessage =
    error.serverCode ||
    error.code === 'origin-mismatch' ||
    (frame && error.code === 'auth-code-failed' && !error.cause)
  return (showOwnMessage && error.message) || (texts.errors && texts.errors[error.code]) || texts.error
}
