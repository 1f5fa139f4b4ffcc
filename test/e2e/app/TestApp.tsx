import { useState } from 'react'
import { DingTalkLogin, DingTalkLoginProvider, DingTalkQrLogin } from 'react-dingtalk-login'
import type { DingTalkLocale, DingTalkLoginError, DingTalkLoginResult } from 'react-dingtalk-login'

/** Props of {@link TestApp}. */
export interface TestAppProps {
  /** `login`: the picker (`DingTalkLogin`); `qr`: `DingTalkQrLogin` alone. */
  mode: 'login' | 'qr'
  locale: DingTalkLocale
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
export function TestApp({ mode, locale }: TestAppProps) {
  const [result, setResult] = useState<DingTalkLoginResult | null>(null)
  const [errors, setErrors] = useState<DingTalkLoginError[]>([])
  const onError = (error: DingTalkLoginError) => setErrors((list) => [...list, error])
  return (
    <DingTalkLoginProvider endpoint="/api/auth/dingtalk" locale={locale}>
      <main>
        <h1>钉钉登录</h1>
        {mode === 'qr' ? (
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
