import { readContainerHints } from './vendor'
import type { ContainerHints } from './vendor'

/** The DingTalk client a page runs in, or `not-in-dingtalk`. Kebab-case versions of `dd.env.platform`. */
export type DingTalkPlatform = 'ios' | 'android' | 'harmony' | 'pc' | 'not-in-dingtalk'

/** Where the page runs, detected without loading `dingtalk-jsapi`. */
export interface DingTalkEnv {
  platform: DingTalkPlatform
  /** `true` for every platform except `not-in-dingtalk`. */
  inDingTalk: boolean
  /** The DingTalk client version (`7.6.0`), when the container tells it. */
  version: string | undefined
}

const NOT_IN_DINGTALK: DingTalkEnv = { platform: 'not-in-dingtalk', inDingTalk: false, version: undefined }

function parseContainerConfig(text: string): { containerId?: unknown; hostVersion?: unknown } | undefined {
  // DingTalk: jsapi takes the first `{…}` substring of window.name / dd_bridge_config as the PC container config.
  const start = text.indexOf('{')
  const end = text.lastIndexOf('}')
  if (start < 0 || end < start) return undefined
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1))
    return typeof value === 'object' && value !== null ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * Where the page runs, following `dingtalk-jsapi`'s own `getENV()` (dingtalk-protocol.md §3.2) so that the SDK
 * can decide whether to load jsapi at all. A desktop user agent that merely contains "DingTalk" is not the PC
 * client: that needs the container config. Pure: pass `hints` in tests; returns `not-in-dingtalk` on the server.
 */
export function detectDingTalkEnv(hints: ContainerHints | undefined = readContainerHints()): DingTalkEnv {
  if (!hints) return NOT_IN_DINGTALK
  const ua = hints.userAgent
  const isDingTalk = /DingTalk/i.test(ua)
  const isHarmony = /OpenHarmony/i.test(ua) && /ArkWeb/i.test(ua)
  const config = parseContainerConfig(hints.bridgeConfig) || parseContainerConfig(hints.windowName) || {}
  // DingTalk: the top-window config also names gov variants (`gdtPc`, `gdtAndroid`, …).
  const top = (hints.topPlatform || 'notindingtalk').toLowerCase()
  const platform: DingTalkPlatform =
    isDingTalk && /iPhone|iPad|iPod|iOS/i.test(ua)
      ? 'ios'
      : isDingTalk && isHarmony
        ? 'harmony'
        : isDingTalk && /Android/i.test(ua)
          ? 'android'
          : config.containerId || hints.hasPcInvokeApi || /pc/.test(top)
            ? 'pc'
            : top === 'notindingtalk'
              ? 'not-in-dingtalk'
              : /android/.test(top)
                ? 'android'
                : /harmony/.test(top)
                  ? 'harmony'
                  : 'ios'
  if (platform === 'not-in-dingtalk') return NOT_IN_DINGTALK
  const match = /DingTalk[/(]([\d.]+)/i.exec(ua)
  const version = typeof config.hostVersion === 'string' ? config.hostVersion : match ? match[1] : undefined
  return { platform, inDingTalk: true, version }
}

/** Compares dotted versions numerically (`7.0.45` < `7.0.50` < `7.10.0`); a `-suffix` is ignored. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('-')[0]!.split('.')
  const right = b.split('-')[0]!.split('.')
  for (let i = 0; i < left.length || i < right.length; i++) {
    const diff = (parseInt(left[i]!, 10) || 0) - (parseInt(right[i]!, 10) || 0)
    if (diff) return diff < 0 ? -1 : 1
  }
  return 0
}
