import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { HttpRuntime } from './HttpRuntime'

/** The instance a GET route serves: `?instance=`, `?corpId=`, else `defaultInstance`, else the only one. */
export function pickInstance(runtime: HttpRuntime, hints: URLSearchParams): DDInnerAuth {
  const corpId = hints.get('corpId') ?? undefined
  const instance = hints.get('instance') ?? undefined
  const { service } = runtime.core
  if (!corpId && !instance && runtime.settings.defaultInstance) {
    return service.pickInstance({ instance: runtime.settings.defaultInstance })
  }
  return service.pickInstance({ corpId, instance })
}
