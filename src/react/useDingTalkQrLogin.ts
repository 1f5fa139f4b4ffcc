import { useEffect, useRef, useState } from 'react'
import { useStore } from 'zustand'
import { createQrLoginStore } from '../core'
import type {
  DingTalkLoginError,
  DingTalkLoginResult,
  QrLoginDeps,
  QrLoginOptions,
  QrLoginStatus,
} from '../core'
import { useDingTalkLoginSettings } from './DingTalkLoginProvider'

/** Options of {@link useDingTalkQrLogin}; unset settings come from the nearest `DingTalkLoginProvider`. */
export interface UseDingTalkQrLoginOptions<TResult = DingTalkLoginResult>
  extends QrLoginOptions, QrLoginDeps<TResult> {}

/** What {@link useDingTalkQrLogin} returns. */
export interface UseDingTalkQrLoginResult<TResult = DingTalkLoginResult> {
  status: QrLoginStatus
  /** The failure while `status` is `error`. */
  error: DingTalkLoginError | null
  /** The login result once `status` is `success`. */
  result: TResult | null
  /** Put on an empty element: the QR iframe goes into it. The login starts once it is attached. */
  containerRef: (element: HTMLElement | null) => void
  /** Shows a new QR code with a fresh state. */
  refresh: () => void
  /** Starts over after an error. */
  retry: () => void
}

/**
 * The QR login without UI: attach `containerRef` to an element and render the status yourself.
 *
 * @example
 * ```tsx
 * const { status, containerRef, retry } = useDingTalkQrLogin({ onSuccess: (r) => setUser(r.user) })
 * return <div data-state={status}><div ref={containerRef} />{status === 'error' && <button onClick={retry}>Retry</button>}</div>
 * ```
 */
export function useDingTalkQrLogin<TResult = DingTalkLoginResult>(
  options: UseDingTalkQrLoginOptions<TResult> = {},
): UseDingTalkQrLoginResult<TResult> {
  const settings = useDingTalkLoginSettings()
  const latest = useRef<QrLoginDeps<TResult>>(options)
  latest.current = { ...options, fetch: options.fetch || settings.fetch }
  const [store] = useState(() => createQrLoginStore<TResult>(() => latest.current))
  const [container, setContainer] = useState<HTMLElement | null>(null)
  // Everything but `mount`, which the effect below calls.
  const { mount: _mount, ...state } = useStore(store)

  // The settings restart the login, the component's over the provider's: a string key keeps the effect's
  // dependencies honest, and JSON leaves out the callbacks and injected functions (and unset values).
  const restartKey = JSON.stringify([settings, options])
  useEffect(
    () =>
      container
        ? store
            .getState()
            .mount(container, Object.assign({}, ...(JSON.parse(restartKey) as QrLoginOptions[])))
        : undefined,
    [store, container, restartKey],
  )

  return { ...state, containerRef: setContainer }
}
