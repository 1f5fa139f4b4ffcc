import { useCallback, useEffect, useState } from 'react'
import { DingTalkLogin } from 'react-dingtalk-login'
import type { DingTalkLoginError, DingTalkLoginResult } from 'react-dingtalk-login'
import { ContainerBanner } from './ContainerBanner'
import type { DemoInfo } from './demoInfo'
import { ErrorPanel } from './ErrorPanel'
import { fetchSession } from './fetchSession'
import type { SessionView } from './fetchSession'
import { InsideDingTalk } from './InsideDingTalk'
import { ProfileView } from './ProfileView'
import { TryFailures } from './TryFailures'

type Phase = { kind: 'checking' } | { kind: 'signed-out' } | { kind: 'signed-in'; session: SessionView }

/** The sign-in page: `DingTalkLogin` while signed out, the bound profile once signed in. */
export function LoginPage({ info }: { info: DemoInfo }) {
  // Inside DingTalk the demo always runs the free login, so the workbench flow can be watched.
  const [phase, setPhase] = useState<Phase>(() =>
    info.container ? { kind: 'signed-out' } : { kind: 'checking' },
  )
  const [lastLogin, setLastLogin] = useState<DingTalkLoginResult | null>(null)
  const [error, setError] = useState<DingTalkLoginError | null>(null)
  const [attempt, setAttempt] = useState(0)
  const [corpId, setCorpId] = useState(() => info.container?.corpId ?? info.corps[0]?.corpId)

  useEffect(() => {
    if (phase.kind !== 'checking') return
    let live = true
    fetchSession(info.endpoint).then(
      (session) => live && setPhase(session ? { kind: 'signed-in', session } : { kind: 'signed-out' }),
      () => live && setPhase({ kind: 'signed-out' }),
    )
    return () => {
      live = false
    }
  }, [phase.kind, info.endpoint])

  const onSuccess = useCallback(
    (result: DingTalkLoginResult) => {
      setLastLogin(result)
      setError(null)
      setPhase({ kind: 'checking' })
    },
    [setPhase],
  )

  const logout = async () => {
    await fetch(`${info.endpoint}/logout`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    setLastLogin(null)
    setError(null)
    setAttempt((n) => n + 1)
    setPhase({ kind: 'signed-out' })
  }

  return (
    <>
      {info.container ? <ContainerBanner info={info} /> : null}
      <main>
        {phase.kind === 'checking' ? <p role="status">Checking your session…</p> : null}
        {phase.kind === 'signed-in' ? (
          <ProfileView info={info} session={phase.session} lastLogin={lastLogin} onLogout={logout} />
        ) : null}
        {phase.kind === 'signed-out' ? (
          <div className="columns">
            <section className="card login" aria-labelledby="login-title">
              <h2 id="login-title">Sign in</h2>
              {info.corps.length > 1 && !info.container ? (
                <label className="field">
                  Organisation{' '}
                  <select
                    value={corpId}
                    onChange={(e) => setCorpId(e.target.value)}
                    aria-label="Organisation"
                  >
                    {info.corps.map((corp) => (
                      <option key={corp.corpId} value={corp.corpId}>
                        {corp.name} · {corp.appName}
                      </option>
                    ))}
                  </select>
                </label>
              ) : null}
              <DingTalkLogin
                key={attempt}
                corpId={corpId}
                onSuccess={onSuccess}
                onError={setError}
                className="dingtalk-login"
              />
              {info.phoneUrl && !info.container ? (
                <p className="scan-help">
                  No phone needed:{' '}
                  <a href={info.phoneUrl} target="_blank" rel="noopener">
                    open the emulator’s phone to scan
                  </a>{' '}
                  — pick a person, press 扫码 (scan), then 确认登录 (confirm).
                </p>
              ) : null}
              {error ? <ErrorPanel error={error} /> : null}
            </section>
            <aside className="side">
              {info.mode === 'emulator' ? <InsideDingTalk info={info} /> : null}
              {info.mode === 'emulator' && !info.container ? <TryFailures info={info} /> : null}
            </aside>
          </div>
        ) : null}
      </main>
    </>
  )
}
