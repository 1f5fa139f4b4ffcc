import type { SessionStatus } from 'react-dingtalk-login'
import type { DirectoryView } from '../directoryView'
import type { DirectoryTexts } from './directoryTexts'
import { formatWhen } from './formatWhen'
import type { BrowserPersonState } from './useBrowserPerson'

export interface SessionPanelProps {
  status: SessionStatus
  person: BrowserPersonState
  view: DirectoryView | null
  texts: DirectoryTexts
  /** The sign-in page, in the page's language. */
  signInHref: string
}

/**
 * "This browser": who is signed in here, and — when the session ends while the page is open — that it ended
 * because the person left the organisation, then, after a rejoin, the way back in.
 */
export function SessionPanel({ status, person, view, texts, signInHref }: SessionPanelProps) {
  const corpOf = (corpId: string) => view?.corps.find((corp) => corp.corpId === corpId)
  const { current, ended } = person
  let body
  if (current) {
    body = (
      <>
        <p className="signed-in" data-user-id={current.userId}>
          {texts.signedInAs(current.name, corpOf(current.corpId)?.name ?? current.corpId)}
        </p>
        <p>
          {texts.localUser}: <code>{current.userId}</code>
        </p>
        <p className="hint">{texts.signedInHint}</p>
      </>
    )
  } else if (ended) {
    const corp = corpOf(ended.person.corpId)
    const record = corp?.people.find((each) => each.unionId === ended.person.unionId)
    const left = ended.leftAt !== null
    const back = left && record?.state === 'active'
    body = (
      <>
        <p role="alert" className="ended" data-ended={left ? 'left' : 'other'}>
          {ended.leftAt !== null
            ? texts.endedBecauseLeft(
                ended.person.name,
                corp?.name ?? ended.person.corpId,
                formatWhen(ended.leftAt),
              )
            : texts.endedOtherwise}
        </p>
        {back ? (
          <p role="status" className="back">
            {texts.backInCorp(ended.person.name)} <a href={signInHref}>{texts.signInAgain}</a>
          </p>
        ) : left ? (
          <p className="hint">{texts.endedFix}</p>
        ) : (
          <p>
            <a href={signInHref}>{texts.signInAgain}</a>
          </p>
        )}
      </>
    )
  } else if (status === 'loading') {
    body = <p role="status">{texts.checking}</p>
  } else {
    body = (
      <p>
        {texts.notSignedIn} <a href={signInHref}>{texts.signIn}</a> {texts.signInHint}
      </p>
    )
  }
  return (
    <section
      className="card session-panel"
      aria-labelledby="browser-title"
      data-session={current ? 'signed-in' : ended ? 'ended' : status}
    >
      <h2 id="browser-title">{texts.thisBrowser}</h2>
      {body}
    </section>
  )
}
