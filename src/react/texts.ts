import type { DingTalkLocale, DingTalkLoginErrorCode, QrLoginStatus, WorkbenchLoginStatus } from '../core'

/** Every text the components show. */
export interface DingTalkLoginTexts {
  /** Status line of `DingTalkQrLogin` per state (empty for none). */
  qr: Record<QrLoginStatus, string>
  /** Status line of `WorkbenchAutoLogin` per state. */
  workbench: Record<WorkbenchLoginStatus, string>
  /** Error message per error code, used unless the backend sent its own message. */
  errors: Record<DingTalkLoginErrorCode, string>
  /** Label of the retry button. */
  retry: string
  /** Label of the "new QR code" button. */
  refresh: string
  /** Shown above the QR code when free login failed and `DingTalkLogin` fell back to it. */
  fallbackAfterError: string
}

/** Partial {@link DingTalkLoginTexts}, merged over the locale's defaults. */
export interface DingTalkLoginTextsOverride {
  qr?: Partial<DingTalkLoginTexts['qr']>
  workbench?: Partial<DingTalkLoginTexts['workbench']>
  errors?: Partial<DingTalkLoginTexts['errors']>
  retry?: string
  refresh?: string
  fallbackAfterError?: string
}

/** The built-in texts. */
export const defaultTexts: Record<DingTalkLocale, DingTalkLoginTexts> = {
  'zh-CN': {
    qr: {
      idle: '',
      'loading-config': '正在加载二维码…',
      'loading-script': '正在加载二维码…',
      'waiting-for-scan': '请使用钉钉扫描二维码登录',
      exchanging: '正在登录…',
      success: '登录成功',
      error: '',
    },
    workbench: {
      idle: '',
      detecting: '正在检测钉钉环境…',
      'not-in-dingtalk': '请在钉钉中打开，或使用扫码登录',
      'requesting-code': '正在通过钉钉免登…',
      exchanging: '正在登录…',
      success: '登录成功',
      error: '',
    },
    errors: {
      environment: '当前环境不支持钉钉登录',
      'sdk-load-failed': '钉钉登录组件加载失败，请检查网络后重试',
      'auth-code-failed': '钉钉未能完成授权，请重试',
      'state-mismatch': '登录已过期，请重新扫码',
      'exchange-failed': '登录失败，请稍后重试',
      timeout: '钉钉响应超时，请重试',
    },
    retry: '重试',
    refresh: '刷新二维码',
    fallbackAfterError: '钉钉免登失败，请扫码登录',
  },
  en: {
    qr: {
      idle: '',
      'loading-config': 'Loading the QR code…',
      'loading-script': 'Loading the QR code…',
      'waiting-for-scan': 'Scan the QR code with DingTalk to sign in',
      exchanging: 'Signing in…',
      success: 'Signed in',
      error: '',
    },
    workbench: {
      idle: '',
      detecting: 'Checking for DingTalk…',
      'not-in-dingtalk': 'Open this page in DingTalk, or sign in with the QR code',
      'requesting-code': 'Signing in through DingTalk…',
      exchanging: 'Signing in…',
      success: 'Signed in',
      error: '',
    },
    errors: {
      environment: 'DingTalk sign-in is not available here',
      'sdk-load-failed': 'The DingTalk sign-in could not load. Check your connection and try again',
      'auth-code-failed': 'DingTalk did not complete the sign-in. Please try again',
      'state-mismatch': 'The sign-in expired. Please scan again',
      'exchange-failed': 'Sign-in failed. Please try again later',
      timeout: 'DingTalk did not answer in time. Please try again',
    },
    retry: 'Try again',
    refresh: 'New QR code',
    fallbackAfterError: 'DingTalk sign-in failed. Sign in with the QR code instead',
  },
}

/** The locale's texts with `override` merged in. */
export function resolveTexts(
  locale: DingTalkLocale = 'zh-CN',
  override?: DingTalkLoginTextsOverride,
): DingTalkLoginTexts {
  const base = defaultTexts[locale] ?? defaultTexts['zh-CN']
  if (!override) return base
  return {
    ...base,
    ...override,
    qr: { ...base.qr, ...override.qr },
    workbench: { ...base.workbench, ...override.workbench },
    errors: { ...base.errors, ...override.errors },
  }
}

/** The message to show for `error`: the backend's own (already in the asked language) or ours for the code. */
export function errorText(
  error: { code: DingTalkLoginErrorCode; serverCode?: string; message: string },
  texts: DingTalkLoginTexts,
): string {
  return error.serverCode && error.message ? error.message : texts.errors[error.code]
}
