import type { DirectoryPersonView } from '../directoryView'
import type { DirectoryTexts } from './directoryTexts'
import { formatWhen } from './formatWhen'

/** A leave or rejoin the emulator made, whose event the server's directory has not shown yet. */
export type PendingChange = 'leave' | 'rejoin'

/** How a person relates to this browser's session. */
export type YouMark = 'signed-in' | 'session-ended' | null

export interface PersonItemProps {
  person: DirectoryPersonView
  /** The department the item is listed under (a person of several departments is listed in each). */
  deptId: number | null
  you: YouMark
  pending: PendingChange | null
  texts: DirectoryTexts
  onLeave: (person: DirectoryPersonView) => void
  onRejoin: (person: DirectoryPersonView) => void
}

/** One person of a department: name, title, state (active, or left since when), and Leave or Rejoin. */
export function PersonItem({ person, deptId, you, pending, texts, onLeave, onRejoin }: PersonItemProps) {
  const left = person.state === 'left'
  return (
    <li
      className="person"
      data-state={person.state}
      data-userid={person.userid}
      data-you={you ?? undefined}
      aria-current={you === 'signed-in' ? 'true' : undefined}
    >
      <span className="person-name">{person.name}</span>
      {person.title ? <span className="person-title">{person.title}</span> : null}
      {person.admin ? <span className="tag">{texts.admin}</span> : null}
      {deptId !== null && person.leaderInDeptIds.includes(deptId) ? (
        <span className="tag">{texts.leader}</span>
      ) : null}
      {you ? <strong className="you">{you === 'signed-in' ? texts.you : texts.youEnded}</strong> : null}
      <span className="person-state" data-state={person.state}>
        {left && person.leftAt !== null ? texts.leftSince(formatWhen(person.leftAt)) : texts.active}
      </span>
      {left ? (
        <button
          type="button"
          aria-label={texts.rejoinLabel(person.name)}
          disabled={pending !== null}
          onClick={() => onRejoin(person)}
        >
          {texts.rejoin}
        </button>
      ) : (
        <button
          type="button"
          aria-label={texts.leaveLabel(person.name)}
          disabled={pending !== null}
          onClick={() => onLeave(person)}
        >
          {texts.leave}
        </button>
      )}
      {pending ? (
        <span className="pending">{pending === 'leave' ? texts.leaveSent : texts.rejoinSent}</span>
      ) : null}
    </li>
  )
}
