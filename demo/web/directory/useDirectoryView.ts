import { useCallback, useEffect, useRef, useState } from 'react'
import { DIRECTORY_API } from '../directoryView'
import type { DirectoryView } from '../directoryView'

/** What {@link useDirectoryView} returns. */
export interface DirectoryViewState {
  /** The last answer of `GET /api/demo/directory`; `null` until the first one. */
  view: DirectoryView | null
  /** Whether the last request failed (the poll goes on). */
  failed: boolean
  /** Asks again now, e.g. right after a leave or rejoin. */
  reload: () => void
}

/**
 * The directory as the demo server tells it, asked every `pollMs`: a short poll of a small JSON answer, so the page
 * follows the server's directory within about a second of an event. One request at a time; an answer that did not
 * change keeps the previous object, so nothing re-renders.
 */
export function useDirectoryView(pollMs: number): DirectoryViewState {
  const [view, setView] = useState<DirectoryView | null>(null)
  const [failed, setFailed] = useState(false)
  const kick = useRef<() => void>(() => undefined)

  useEffect(() => {
    let stopped = false
    let inFlight = false
    let askedAgain = false
    let lastText = ''
    let timer: ReturnType<typeof setTimeout> | undefined
    const load = async () => {
      if (inFlight) {
        askedAgain = true
        return
      }
      inFlight = true
      clearTimeout(timer)
      try {
        const response = await fetch(DIRECTORY_API, { cache: 'no-store' })
        if (!response.ok) throw new Error(`GET ${DIRECTORY_API} answered ${response.status}`)
        const text = await response.text()
        if (!stopped) {
          setFailed(false)
          if (text !== lastText) setView(JSON.parse(text) as DirectoryView)
          lastText = text
        }
      } catch {
        if (!stopped) setFailed(true)
      }
      inFlight = false
      if (stopped) return
      if (askedAgain) {
        askedAgain = false
        void load()
      } else {
        timer = setTimeout(() => void load(), pollMs)
      }
    }
    kick.current = () => void load()
    void load()
    return () => {
      stopped = true
      clearTimeout(timer)
      kick.current = () => undefined
    }
  }, [pollMs])

  const reload = useCallback(() => kick.current(), [])
  return { view, failed, reload }
}
