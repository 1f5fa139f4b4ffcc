import { useCallback, useEffect, useState } from 'react'
import { DingTalkLogin, DingTalkLoginProvider } from 'react-dingtalk-login'
import type {
  DingTalkBinding,
  DingTalkLocale,
  DingTalkLoginError,
  DingTalkLoginResult,
} from 'react-dingtalk-login'
import { readDemoInfo } from './demoInfo'
import type { DemoCorp, DemoInfo, DemoPerson } from './demoInfo'
import { explainError } from './explainError'

/** What `GET /api/auth/dingtalk/session` answers. */
interface SessionView {
  user: { id: string; name: string; avatar: string | null }
  binding: DingTalkBinding
}

type Phase = { kind: 'checking' } | { kind: 'signed-out' } | { kind: 'signed-in'; session: SessionView }

const EXPIRE_MS = 11 * 60_000

async function fetchSession(endpoint: string): Promise<SessionView | null> {
  const response = await fetch(`${endpoint}/session`, { credentials: 'include' })
  if (response.status === 401) return null
  if (!response.ok) throw new Error(`GET ${endpoint}/session answered ${response.status}`)
  return (await response.json()) as SessionView
}

function initialLocale(): DingTalkLocale {
  return new URLSearchParams(location.search).get('lang') === 'zh-CN' ? 'zh-CN' : 'en'
}

export function App() {
  const [info] = useState(readDemoInfo)
  const [locale, setLocale] = useState<DingTalkLocale>(initialLocale)
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
    <DingTalkLoginProvider endpoint={info.endpoint} locale={locale} nonce={info.nonce}>
      <header className="top">
        <h1>DingTalk login demo</h1>
        <span className="mode" data-mode={info.mode}>
          {info.mode === 'emulator' ? 'Local DingTalk emulator · no account needed' : 'Real DingTalk'}
        </span>
        <label className="lang">
          Language of the login texts{' '}
          <select value={locale} onChange={(e) => setLocale(e.target.value as DingTalkLocale)}>
            <option value="en">English</option>
            <option value="zh-CN">中文</option>
          </select>
        </label>
      </header>
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
    </DingTalkLoginProvider>
  )
}

function corpName(info: DemoInfo, corpId: string): string {
  return info.corps.find((c) => c.corpId === corpId)?.name ?? corpId
}

function ContainerBanner({ info }: { info: DemoInfo }) {
  const c = info.container!
  const person = info.people.find((p) => p.userid === c.userid && p.corpId === c.userCorpId)
  return (
    <div className="banner" role="note" aria-label="Inside DingTalk">
      Opened as if inside DingTalk ({c.platform === 'ios' ? 'iOS' : 'Android'}) as{' '}
      <strong>{person ? `${person.name} (${c.userid})` : c.userid}</strong> in{' '}
      <strong>{corpName(info, c.corpId)}</strong>. The emulator’s container shim ran before{' '}
      <code>dingtalk-jsapi</code>, so the page gets a real free-login code.{' '}
      <a href="/">Back to the browser view</a>
    </div>
  )
}

function ErrorPanel({ error }: { error: DingTalkLoginError }) {
  const explanation = explainError(error)
  return (
    <section
      className="error"
      aria-label="What happened"
      data-code={error.code}
      data-server-code={error.serverCode}
    >
      <h3>{explanation.title}</h3>
      <p>{explanation.what}</p>
      <p>
        <strong>What to do:</strong> {explanation.fix}
      </p>
      <p className="codes">
        <code>error.code = {error.code}</code>
        {error.serverCode ? <code>error.serverCode = {error.serverCode}</code> : null}
        {error.requestId ? <code>requestId = {error.requestId}</code> : null}
        <span>“{error.message}”</span>
      </p>
    </section>
  )
}

function containerHref(platform: 'ios' | 'android', corpId: string, person: DemoPerson): string {
  const query = new URLSearchParams({ container: platform, corpId, userid: person.userid })
  if (person.corpId !== corpId) query.set('userCorpId', person.corpId)
  return `/?${query}`
}

function InsideDingTalk({ info }: { info: DemoInfo }) {
  const key = (p: DemoPerson) => `${p.corpId}/${p.userid}`
  const [personKey, setPersonKey] = useState(info.people[0] ? key(info.people[0]) : '')
  const [corpId, setCorpId] = useState(info.corps[0]?.corpId ?? '')
  const person = info.people.find((p) => key(p) === personKey)
  return (
    <section className="card" aria-labelledby="inside-title">
      <h2 id="inside-title">Open as if inside DingTalk</h2>
      <p>
        DingTalk opens your app’s homepage (<code>…/?corpId=$CORPID$</code>) from the workbench. These links
        load the page with the emulator’s container shim first, and <code>DingTalkLogin</code> signs in
        without a QR code.
      </p>
      <label className="field">
        Person{' '}
        <select value={personKey} onChange={(e) => setPersonKey(e.target.value)} aria-label="Person">
          {info.people.map((p) => (
            <option key={key(p)} value={key(p)}>
              {p.name} · {p.corpName}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Workbench of{' '}
        <select value={corpId} onChange={(e) => setCorpId(e.target.value)} aria-label="Workbench of">
          {info.corps.map((corp: DemoCorp) => (
            <option key={corp.corpId} value={corp.corpId}>
              {corp.name}
            </option>
          ))}
        </select>
      </label>
      {person && person.corpId !== corpId ? (
        <p className="hint">
          {person.name} is not in {corpName(info, corpId)}: DingTalk refuses the free-login code and the page
          falls back to the QR code.
        </p>
      ) : null}
      {person ? (
        <p className="links">
          <a href={containerHref('ios', corpId, person)}>Open in DingTalk (iOS)</a>
          <a href={containerHref('android', corpId, person)}>Open in DingTalk (Android)</a>
        </p>
      ) : null}
    </section>
  )
}

function TryFailures({ info }: { info: DemoInfo }) {
  const [expired, setExpired] = useState<'no' | 'yes' | 'failed'>('no')
  const expire = async () => {
    try {
      const response = await fetch(`${info.emulatorUrl}/__emulator/clock`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ advanceMs: EXPIRE_MS }),
      })
      setExpired(response.ok ? 'yes' : 'failed')
    } catch {
      setExpired('failed')
    }
  }
  return (
    <section className="card" aria-labelledby="failures-title">
      <h2 id="failures-title">Provoke the errors</h2>
      <ol className="failures">
        <li>
          <strong>Refuse the scan.</strong> On the phone press <em>扫码</em>, then <em>拒绝</em> (refuse). The
          QR login ends with <code>auth-code-failed</code>.
        </li>
        <li>
          <strong>A person outside the organisation.</strong> On the phone pick <em>马超 · 无组织</em> (in no
          organisation): DingTalk itself refuses. Or choose 北京星河数据 above and scan as <em>周杰</em>, an
          external contact: DingTalk lets him scan, the server answers <code>not_corp_member</code>.
        </li>
        <li>
          <strong>An expired QR code.</strong>{' '}
          <button type="button" onClick={expire}>
            Let the QR code expire
          </button>{' '}
          moves the emulator’s clock (which the server shares) 11 minutes ahead. The QR page renews itself,
          but the login state behind it is gone: scan it and the server answers <code>invalid_state</code>.
          {expired === 'yes' ? (
            <span role="status" className="ok">
              {' '}
              Clock moved 11 minutes ahead: scan the QR code now.
            </span>
          ) : null}
          {expired === 'failed' ? <span role="alert"> The emulator did not answer.</span> : null}
        </li>
      </ol>
    </section>
  )
}

function formatDate(value: string | number | null): string {
  if (value === null || value === '') return '—'
  const date = new Date(typeof value === 'number' ? value : Number(value) || value)
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().slice(0, 10)
}

function Avatar({ src, name }: { src: string | null; name: string }) {
  const [broken, setBroken] = useState(false)
  if (!src || broken) {
    return (
      <span className="avatar placeholder" role="img" aria-label={`${name} (no avatar loaded)`}>
        {name.slice(0, 1)}
      </span>
    )
  }
  return <img className="avatar" src={src} alt={name} onError={() => setBroken(true)} />
}

function ProfileView({
  info,
  session,
  lastLogin,
  onLogout,
}: {
  info: DemoInfo
  session: SessionView
  lastLogin: DingTalkLoginResult | null
  onLogout: () => void
}) {
  const { user, binding } = session
  const rows: [string, string][] = [
    ['Local user id', user.id],
    ['DingTalk userId', binding.dingUserId],
    ['Organisation', `${corpName(info, binding.corpId)} (${binding.corpId})`],
    ['Job number', binding.jobNumber ?? '—'],
    ['Email', binding.email ?? '—'],
    ['Phone', binding.phone ?? '—'],
    ['Hire date', formatDate(binding.hiredDate)],
    ['unionId', binding.unionId],
    ['Avatar URL', user.avatar ?? binding.photo ?? '—'],
  ]
  return (
    <section className="card profile" aria-labelledby="profile-title" data-user-id={user.id}>
      <div className="who">
        <Avatar src={user.avatar ?? binding.photo} name={user.name} />
        <div>
          <h2 id="profile-title">Signed in as {user.name}</h2>
          {lastLogin ? (
            <p className="badge" data-new-user={String(lastLogin.isNewUser)}>
              {lastLogin.isNewUser
                ? 'First sign-in: a local user was created and bound to this DingTalk account.'
                : 'Returning user: the stored binding was found and the profile refreshed.'}
            </p>
          ) : (
            <p className="badge">Session restored from the cookie.</p>
          )}
        </div>
      </div>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label} className="row">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="note">
        From <code>GET {info.endpoint}/session</code>: the profile the server bound and synced from DingTalk.
      </p>
      <button type="button" className="primary" onClick={onLogout}>
        Log out
      </button>
    </section>
  )
}
