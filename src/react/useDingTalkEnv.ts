import { useSyncExternalStore } from 'react'
import { detectDingTalkEnv } from '../core'
import type { DingTalkBridge, DingTalkEnv } from '../core'

const subscribe = () => () => {}
const getServerSnapshot = (): undefined => undefined
let detected: DingTalkEnv | undefined
const getDetected = (): DingTalkEnv => detected || (detected = detectDingTalkEnv())
const byBridge = new WeakMap<DingTalkBridge, DingTalkEnv>()

/** Options of {@link useDingTalkEnv}. */
export interface UseDingTalkEnvOptions {
  /**
   * Ask this bridge instead of the default detection (for tests and stories).
   * @default the default detection, which never loads `dingtalk-jsapi`
   */
  bridge?: DingTalkBridge
}

/**
 * Where the page runs: `undefined` during server rendering and hydration, then the detected
 * {@link DingTalkEnv}. Detection is synchronous and does not load `dingtalk-jsapi`.
 */
export function useDingTalkEnv(options: UseDingTalkEnvOptions = {}): DingTalkEnv | undefined {
  const { bridge } = options
  const getSnapshot = (): DingTalkEnv => {
    if (!bridge) return getDetected()
    let env = byBridge.get(bridge)
    if (!env) byBridge.set(bridge, (env = bridge.getEnv()))
    return env
  }
  return useSyncExternalStore<DingTalkEnv | undefined>(subscribe, getSnapshot, getServerSnapshot)
}
