import { useEffect, useMemo, useState } from 'react'
import type { UseDingTalkSessionResult } from 'react-dingtalk-login'
import type { DirectoryView } from '../directoryView'

/** The person a session of this browser belongs to. */
export interface BrowserPerson {
  userId: string
  name: string
  corpId: string
  unionId: string
}

/** A session of this browser that ended while the page was open. */
export interface EndedSession {
  person: BrowserPerson
  /**
   * When the person left, once the directory showed them as left (the leave is why the session ended); `null`
   * while it did not. Kept after a rejoin.
   */
  leftAt: number | null
}

/** What {@link useBrowserPerson} returns. */
export interface BrowserPersonState {
  /** Who is signed in on this browser now. */
  current: BrowserPerson | null
  /** The session that ended while this page watched, until someone signs in again. */
  ended: EndedSession | null
}

const samePerson = (a: BrowserPerson | null, b: BrowserPerson | null) =>
  a?.userId === b?.userId && a?.corpId === b?.corpId && a?.unionId === b?.unionId

/**
 * Who this browser is signed in as, and — when that session ends while the page is open — who it was and whether
 * they left the organisation. The server revokes first and records the leave right after, so the session can end a
 * moment before the directory shows the leave; `leftAt` follows as soon as it does.
 */
export function useBrowserPerson(
  session: Pick<UseDingTalkSessionResult, 'status' | 'user' | 'binding'>,
  view: DirectoryView | null,
): BrowserPersonState {
  const { status, user, binding } = session
  const signedIn = useMemo<BrowserPerson | null>(
    () =>
      status === 'authenticated' && user && binding
        ? {
            userId: user.id,
            name: user.name ?? binding.dingUserId,
            corpId: binding.corpId,
            unionId: binding.unionId,
          }
        : null,
    [status, user, binding],
  )
  const [current, setCurrent] = useState<BrowserPerson | null>(null)
  const [ended, setEnded] = useState<EndedSession | null>(null)

  useEffect(() => {
    if (signedIn) {
      if (!samePerson(signedIn, current)) setCurrent(signedIn)
      if (ended) setEnded(null)
    } else if (status === 'unauthenticated' && current) {
      setEnded({ person: current, leftAt: null })
      setCurrent(null)
    }
  }, [signedIn, current, ended, status])

  const leftAt =
    ended === null
      ? null
      : (view?.corps
          .find((corp) => corp.corpId === ended.person.corpId)
          ?.people.find((person) => person.unionId === ended.person.unionId && person.state === 'left')
          ?.leftAt ?? null)
  useEffect(() => {
    if (ended && leftAt !== null && ended.leftAt !== leftAt) setEnded({ ...ended, leftAt })
  }, [ended, leftAt])

  return { current: signedIn ?? current, ended }
}
