import { useState } from 'react'
import type { DingTalkLoginResult } from 'react-dingtalk-login'
import { corpName } from './demoInfo'
import type { DemoInfo } from './demoInfo'
import type { SessionView } from './fetchSession'

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

/** The signed-in person: the profile the server bound, and logout. */
export function ProfileView({
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
