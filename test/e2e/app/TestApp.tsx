import { useState } from 'react'
import {
  DingTalkLogin,
  DingTalkLoginButton,
  DingTalkLoginProvider,
  DingTalkQrLogin,
  useDingTalkSession,
} from 'react-dingtalk-login'
import type { DingTalkLocale, DingTalkLoginError, DingTalkLoginResult } from 'react-dingtalk-login'

/** Props of {@link TestApp}. */
export interface TestAppProps {
  /**
   * `login`: the picker (`DingTalkLogin`); `qr`: `DingTalkQrLogin` alone; `two`: two `DingTalkQrLogin` side by side
   * (`data-testid` `qr-a` and `qr-b`), each with its own profile.
   */
  mode: 'login' | 'qr' | 'two'
  locale: DingTalkLocale
  /** The provider's `scriptSrc`: `ddlogin.js` loads while `/config` is in flight. */
  scriptSrc?: string
  /** Also show `useDingTalkSession()` (`data-testid="session"`) and a `DingTalkLoginButton`. */
  withSession?: boolean
}

/** What `useDingTalkSession()` says, with a logout button. */
function SessionBar() {
  const { status, user, logout } = useDingTalkSession()
  return (
    <nav aria-label="session" data-testid="session" data-status={status}>
      <span data-field="sessionUser">{user ? user.name : ''}</span>
      {status === 'authenticated' ? (
        <button type="button" onClick={() => void logout()}>
          退出登录
        </button>
      ) : (
        <DingTalkLoginButton returnTo="/?withSession=1" />
      )}
    </nav>
  )
}

/** One QR login with its own profile, for two on one page. */
function OwnQrLogin({ id, onError }: { id: string; onError: (error: DingTalkLoginError) => void }) {
  const [result, setResult] = useState<DingTalkLoginResult | null>(null)
  return (
    <section data-testid={id}>
      <DingTalkQrLogin onSuccess={setResult} onError={onError} />
      {result ? <Profile result={result} /> : null}
    </section>
  )
}

/** The fields of the login result a user would see on their profile, each under `data-field`. */
function Profile({ result }: { result: DingTalkLoginResult }) {
  const { binding, user } = result
  const fields: [string, string, unknown][] = [
    ['name', '姓名', user.name],
    ['userId', '用户 ID', result.userId],
    ['corpId', '组织', binding.corpId],
    ['dingUserId', '钉钉 userid', binding.dingUserId],
    ['unionId', 'unionId', binding.unionId],
    ['jobNumber', '工号', binding.jobNumber],
    ['phone', '手机', binding.phone],
    ['email', '邮箱', binding.email],
    ['isNewUser', '新用户', result.isNewUser],
  ]
  return (
    <section aria-label="profile" data-testid="profile">
      <h2>欢迎，{user.name}</h2>
      <dl>
        {fields.map(([key, label, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-field={key}>{value === null ? '' : String(value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}

/**
 * The page the end-to-end tests drive: the SDK as an integrator would use it, with the profile from `onSuccess`
 * and every `onError` shown in the DOM.
 */
export function TestApp({ mode, locale, scriptSrc, withSession }: TestAppProps) {
  const [result, setResult] = useState<DingTalkLoginResult | null>(null)
  const [errors, setErrors] = useState<DingTalkLoginError[]>([])
  const onError = (error: DingTalkLoginError) => setErrors((list) => [...list, error])
  return (
    <DingTalkLoginProvider endpoint="/api/auth/dingtalk" locale={locale} scriptSrc={scriptSrc}>
      <main>
        <h1>钉钉登录</h1>
        {withSession ? <SessionBar /> : null}
        {mode === 'two' ? (
          <>
            <OwnQrLogin id="qr-a" onError={onError} />
            <OwnQrLogin id="qr-b" onError={onError} />
          </>
        ) : mode === 'qr' ? (
          <DingTalkQrLogin onSuccess={setResult} onError={onError} />
        ) : (
          <DingTalkLogin onSuccess={setResult} onError={onError} />
        )}
        {result ? <Profile result={result} /> : null}
        <ol aria-label="errors" data-testid="errors">
          {errors.map((error, i) => (
            <li key={i} data-code={error.code}>
              {error.code}: {error.message}
            </li>
          ))}
        </ol>
      </main>
    </DingTalkLoginProvider>
  )
}
