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
  /** Added to the error when free login failed and `DingTalkLogin` fell back to the QR code. */
  fallbackAfterError: string
}

/** Partial {@link DingTalkLoginTexts}, merged over the locale's defaults. */
export type DingTalkLoginTextsOverride = Partial<DingTalkLoginTexts>

// Split per component so that a page with only the QR login does not ship the workbench texts; kept short because
// they are part of the QR bundle budget.
type Common = Pick<DingTalkLoginTexts, 'error' | 'errors' | 'retry'>

const common: Record<DingTalkLocale, Common> = {
  'zh-CN': { error: '登录失败，请重试', errors: { timeout: '钉钉响应超时，请重试' }, retry: '重试' },
  en: {
    error: 'Sign-in failed. Please try again',
    errors: { timeout: 'DingTalk timed out. Please try again' },
    retry: 'Try again',
  },
}

const qr: Record<DingTalkLocale, Pick<DingTalkLoginTexts, 'qr' | 'refresh'>> = {
  'zh-CN': {
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
    qr: {
      'loading-config': 'Loading the QR code…',
      'loading-script': 'Loading the QR code…',
      'waiting-for-scan': 'Scan with DingTalk to sign in',
      exchanging: 'Signing in…',
      success: 'Signed in',
    },
    refresh: 'New QR code',
  },
}

const workbench: Record<DingTalkLocale, Pick<DingTalkLoginTexts, 'workbench' | 'fallbackAfterError'>> = {
  'zh-CN': {
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

function merge<T extends Common>(base: T, override: DingTalkLoginTextsOverride = {}): T {
  const merged = { ...base } as Record<string, unknown>
  for (const [key, value] of Object.entries(override)) {
    if (key in base && value)
      merged[key] = typeof value === 'object' ? { ...(merged[key] as object), ...value } : value
  }
  return merged as T
}

/** The texts `DingTalkQrLogin` uses, for `locale` with `override` merged in. */
export function resolveQrTexts(locale: DingTalkLocale = 'zh-CN', override?: DingTalkLoginTextsOverride) {
  return merge({ ...common[locale], ...qr[locale] }, override)
}

/** The texts `WorkbenchAutoLogin` uses, for `locale` with `override` merged in. */
export function resolveWorkbenchTexts(
  locale: DingTalkLocale = 'zh-CN',
  override?: DingTalkLoginTextsOverride,
) {
  return merge({ ...common[locale], ...workbench[locale] }, override)
}

/** All built-in texts of `locale`, e.g. as the base of your own translation. */
export function getDefaultTexts(locale: DingTalkLocale = 'zh-CN'): DingTalkLoginTexts {
  return { ...common[locale], ...qr[locale], ...workbench[locale] }
}

/** The message to show for `error`: the backend's own (already in the asked language), ours for the code, or ours. */
export function errorText(
  error: { code: DingTalkLoginErrorCode; serverCode?: string; message: string },
  texts: Common,
): string {
  return (error.serverCode && error.message) || texts.errors[error.code] || texts.error
}
