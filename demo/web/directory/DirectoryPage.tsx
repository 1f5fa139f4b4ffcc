import { useEffect, useState } from 'react'
import { useDingTalkSession } from 'react-dingtalk-login'
import type { DingTalkLocale } from 'react-dingtalk-login'
import type { DemoInfo } from '../demoInfo'
import type { DirectoryCorpView, DirectoryPersonView } from '../directoryView'
import { CorpDirectory } from './CorpDirectory'
import { directoryTexts } from './directoryTexts'
import { PersonItem } from './PersonItem'
import type { PendingChange, YouMark } from './PersonItem'
import { postOrgChange } from './postOrgChange'
import { SessionPanel } from './SessionPanel'
import { useBrowserPerson } from './useBrowserPerson'
import { useDirectoryView } from './useDirectoryView'

/** How often the page asks the directory and the session again: a change shows within about a second. */
const POLL_MS = 1_000

const personKey = (corpId: string, unionId: string) => `${corpId}/${unionId}`

/**
 * The directory page: every organisation's departments and people with their state, live, with Leave and Rejoin
 * per person, and this browser's session beside it, so a user who makes themselves leave watches their own session
 * end.
 */
export function DirectoryPage({ info, locale }: { info: DemoInfo; locale: DingTalkLocale }) {
  const texts = directoryTexts(locale)
  const { view, failed, reload } = useDirectoryView(POLL_MS)
  const session = useDingTalkSession()
  const { refresh } = session
  const person = useBrowserPerson(session, view)
  // What was asked of the emulator, per person, until the directory shows its result.
  const [asked, setAsked] = useState<Record<string, PendingChange>>({})
  const [refusal, setRefusal] = useState<string | null>(null)

  useEffect(() => {
    const timer = setInterval(() => void refresh(), POLL_MS)
    return () => clearInterval(timer)
  }, [refresh])

  const change = (corpId: string, action: PendingChange, target: DirectoryPersonView) => {
    const key = personKey(corpId, target.unionId)
    setAsked((all) => ({ ...all, [key]: action }))
    setRefusal(null)
    const body = action === 'leave' ? { corpId, userid: target.userid } : { corpId, unionId: target.unionId }
    postOrgChange(action, body).then(reload, (error: unknown) => {
      setAsked(({ [key]: _dropped, ...others }) => others)
      setRefusal(texts.actionFailed(error instanceof Error ? error.message : String(error)))
    })
  }

  const pendingOf = (corpId: string, target: DirectoryPersonView): PendingChange | null => {
    const action = asked[personKey(corpId, target.unionId)]
    if (!action) return null
    const done = action === 'leave' ? target.state === 'left' : target.state === 'active'
    return done ? null : action
  }

  const youOf = (corpId: string, target: DirectoryPersonView): YouMark => {
    const { current, ended } = person
    if (current?.corpId === corpId && current.unionId === target.unionId) return 'signed-in'
    if (ended?.person.corpId === corpId && ended.person.unionId === target.unionId) return 'session-ended'
    return null
  }

  const renderCorp = (corp: DirectoryCorpView) => (
    <CorpDirectory
      key={corp.corpId}
      corp={corp}
      texts={texts}
      renderPerson={(target, deptId) => (
        <PersonItem
          key={`${deptId ?? 'none'}/${target.unionId}`}
          person={target}
          deptId={deptId}
          you={youOf(corp.corpId, target)}
          pending={pendingOf(corp.corpId, target)}
          texts={texts}
          onLeave={(chosen) => change(corp.corpId, 'leave', chosen)}
          onRejoin={(chosen) => change(corp.corpId, 'rejoin', chosen)}
        />
      )}
    />
  )

  return (
    <main className="directory" lang={locale}>
      <section className="card intro" aria-labelledby="directory-title">
        <h2 id="directory-title">{texts.title}</h2>
        <p className="note">{texts.intro}</p>
        {view?.firstSync ? (
          <p className="sync" data-sync={view.firstSync.state}>
            {texts.firstSync(view.firstSync)}
          </p>
        ) : null}
        {failed ? <p role="alert">{texts.loadFailed}</p> : null}
        {refusal ? <p role="alert">{refusal}</p> : null}
      </section>
      {view === null && !failed ? <p role="status">{texts.loading}</p> : null}
      {view?.mode === 'off' || info.mode !== 'emulator' ? <p className="card">{texts.off}</p> : null}
      {view?.mode === 'emulator' ? (
        <div className="directory-columns">
          <div className="corps">{view.corps.map(renderCorp)}</div>
          <aside className="side">
            <SessionPanel
              status={session.status}
              person={person}
              view={view}
              texts={texts}
              signInHref={locale === 'zh-CN' ? '/?lang=zh-CN' : '/'}
            />
          </aside>
        </div>
      ) : null}
    </main>
  )
}
