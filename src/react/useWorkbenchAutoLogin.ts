import { useEffect, useState } from 'react'
import { useStore } from 'zustand'
import { createWorkbenchLoginStore } from '../core'
import type {
  DingTalkEnv,
  DingTalkLoginError,
  DingTalkLoginResult,
  WorkbenchLoginDeps,
  WorkbenchLoginOptions,
  WorkbenchLoginStatus,
} from '../core'
import { useDingTalkLoginSettings } from './DingTalkLoginProvider'
import { useLoginDeps } from './useLoginDeps'

/** Options of {@link useWorkbenchAutoLogin}; unset settings come from the nearest `DingTalkLoginProvider`. */
export interface UseWorkbenchAutoLoginOptions<TResult = DingTalkLoginResult>
  extends WorkbenchLoginOptions, WorkbenchLoginDeps<TResult> {}

/** What {@link useWorkbenchAutoLogin} returns. */
export interface UseWorkbenchAutoLoginResult<TResult = DingTalkLoginResult> {
  status: WorkbenchLoginStatus
  /** The failure while `status` is `error`. */
  error: DingTalkLoginError | null
  /** The login result once `status` is `success`. */
  result: TResult | null
  /** Where the page runs, once detected (`null` before, and during server rendering). */
  env: DingTalkEnv | null
  /** Starts over after an error. */
  retry: () => void
}

/**
 * The workbench free login without UI: starts on mount, inside DingTalk only.
 *
 * @example
 * ```tsx
 * const { status } = useWorkbenchAutoLogin({ onSuccess: (r) => console.log(r.user) })
 * if (status === 'not-in-dingtalk') return <DingTalkQrLogin />
 * ```
 */
export function useWorkbenchAutoLogin<TResult = DingTalkLoginResult>(
  options: UseWorkbenchAutoLoginOptions<TResult> = {},
): UseWorkbenchAutoLoginResult<TResult> {
  const settings = useDingTalkLoginSettings()
  const getDeps = useLoginDeps<TResult, WorkbenchLoginDeps<TResult>>(options)
  const [store] = useState(() => createWorkbenchLoginStore<TResult>(getDeps))
  // Everything but `start`, which the effect below calls.
  const { start: _start, ...state } = useStore(store)

  // What restarts the login: the component's settings over the provider's. The callbacks, injected functions and
  // locale are read when used instead.
  const { endpoint = settings.endpoint, corpId, clientId, timeoutMs, requestTimeoutMs, search } = options
  useEffect(
    () => store.getState().start({ endpoint, corpId, clientId, timeoutMs, requestTimeoutMs, search }),
    [store, endpoint, corpId, clientId, timeoutMs, requestTimeoutMs, search],
  )

  return state
}
