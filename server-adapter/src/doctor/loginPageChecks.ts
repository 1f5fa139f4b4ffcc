import type { CheckGroupResult, DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import { NOT_CHECKED, instanceCheck, trimSlash } from './DoctorContext'
import type { DoctorCheck } from './DoctorReport'
import { probe } from './probe'

const ALERT = /role="alert"[^>]*>([^<]*)</
const TAGS = /<[^>]*>/g

/**
 * The error DingTalk's login page shows, if it shows one. [U] The real page's markup is not documented: the
 * emulator's error page marks itself `data-state="error"` with a `role="alert"` line; for the real page the doctor
 * looks for the words DingTalk uses (未发布, 重定向 / redirect_uri, 应用不存在), and otherwise says it cannot tell.
 */
function loginPageError(html: string): string | undefined {
  if (html.includes('data-state="error"')) {
    const alert = ALERT.exec(html)?.[1]
    return (alert ?? 'error').trim()
  }
  const text = html.replace(TAGS, ' ')
  const known = /[^。\n]*(未发布|应用不存在|redirect_uri[^。\n]*(未|不)|重定向[^。\n]*(未|不))[^。\n]*/.exec(
    text,
  )
  return known?.[0].trim()
}

/**
 * What DingTalk's login page (`GET /oauth2/auth`) says to this app and this redirect URI: an unpublished app and
 * an unregistered redirect URI are refused there, before anyone scans.
 */
export async function checkLoginPage(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
): Promise<CheckGroupResult> {
  const url = new URL(`${trimSlash(settings.loginBase)}/oauth2/auth`)
  // Without a known public origin the page is still asked about the app, with a redirect URI nobody registers.
  url.searchParams.set('redirect_uri', settings.redirectUri ?? 'https://dingtalk-doctor.invalid/callback')
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', instance.appKey)
  url.searchParams.set('scope', settings.scope)
  url.searchParams.set('prompt', 'consent')
  url.searchParams.set('state', 'dingtalk-doctor')
  const answer = await probe(settings, url.href, { headers: { accept: 'text/html' } })
  const checks: DoctorCheck[] = []
  const noRedirect = (status: DoctorCheck['status'], message: string, fix?: string) =>
    checks.push(instanceCheck(instance, 'redirect-uri', status, message, fix))
  const registerFix = (uri: string) =>
    `Register ${uri} as a redirect URL (developer console → 登录与分享 → 回调域名 / 重定向URL), or set publicOrigin to the origin registered there`

  if (answer.kind === 'unreachable') {
    checks.push(
      instanceCheck(
        instance,
        'login-page',
        'fail',
        `DingTalk's login page at ${trimSlash(settings.loginBase)} gave no answer`,
        'Let browsers and this server reach login.dingtalk.com, or fix dingtalk.loginBase',
      ),
    )
    return { checks, answers: [answer] }
  }
  const redirected =
    answer.status >= 300 && answer.status < 400 && settings.redirectUri !== undefined
      ? (answer.location ?? '').startsWith(settings.redirectUri)
      : false
  const html = typeof answer.body === 'string' ? answer.body : ''
  const error = redirected ? undefined : loginPageError(html)

  if (error && /未发布|not published/i.test(error)) {
    checks.push(
      instanceCheck(
        instance,
        'app-published',
        'fail',
        `DingTalk's login page says the app has no published version ("${error}")`,
        'Publish a version of the app (developer console → 版本管理与发布); until then its credentials and login page do not work',
      ),
    )
    noRedirect(
      'warn',
      NOT_CHECKED + 'the login page refused the app first',
      'Publish the app, then run the doctor again',
    )
    return { checks, answers: [answer] }
  }
  if (error && /应用不存在|client_id/i.test(error)) {
    checks.push(
      instanceCheck(
        instance,
        'app-published',
        'fail',
        `DingTalk's login page knows no app ${instance.appKey} ("${error}")`,
        'Copy the AppKey (Client ID) again from the developer console into authConfig.appKey',
      ),
    )
    return { checks, answers: [answer] }
  }
  const pageWorks =
    redirected || (answer.status === 200 && !error) || (error !== undefined && /redirect|重定向/i.test(error))
  if (!pageWorks) {
    checks.push(
      instanceCheck(
        instance,
        'app-published',
        'warn',
        `could not read DingTalk's login page answer (HTTP ${answer.status})`,
        `Open ${url.href} in a browser: it shows a QR code when the app is published`,
      ),
    )
    return { checks, answers: [answer] }
  }
  checks.push(
    instanceCheck(instance, 'app-published', 'ok', 'the app is published: DingTalk’s login page serves it'),
  )
  if (settings.redirectUri === undefined) {
    noRedirect(
      'warn',
      NOT_CHECKED + 'the public origin is unknown, so the redirect URI the server hands out is too',
      'Give publicOrigin (http.publicOrigin, or --public-origin) so the doctor can ask DingTalk about <publicOrigin><basePath>/callback',
    )
  } else if (error) {
    noRedirect(
      'fail',
      `DingTalk's login page refuses redirect_uri ${settings.redirectUri} ("${error}")`,
      registerFix(settings.redirectUri),
    )
  } else {
    noRedirect('ok', `DingTalk's login page accepts redirect_uri ${settings.redirectUri}`)
  }
  return { checks, answers: [answer] }
}
