import { useRef, useState } from 'react'
import type { DingTalkLocale, FetchLike } from '../core'
import { useDingTalkLoginSettings } from './DingTalkLoginProvider'

interface LoginDeps<TResult> {
  fetch?: FetchLike
  locale?: DingTalkLocale
  onSuccess?: (result: TResult) => void
}

/**
 * The deps function both login hooks hand to their store: read on every use, it gives the latest props, the
 * provider's `fetch` and `locale` unless the props name them, and an `onSuccess` that also refreshes the provider's
 * session.
 */
export function useLoginDeps<TResult, TDeps extends LoginDeps<TResult>>(options: TDeps): () => TDeps {
  const settings = useDingTalkLoginSettings()
  const latest = useRef(options)
  latest.current = {
    ...options,
    fetch: options.fetch || settings.fetch,
    locale: options.locale || settings.locale,
    onSuccess: (result: TResult) => {
      if (settings.session) settings.session.getState().refreshAfterLogin()
      if (options.onSuccess) options.onSuccess(result)
    },
  }
  const [getDeps] = useState(() => () => latest.current)
  return getDeps
}
