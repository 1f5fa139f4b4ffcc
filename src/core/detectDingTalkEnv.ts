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
  const config = parseContainerConfig(hints.bridgeConfig) ?? parseContainerConfig(hints.windowName)
  const top = hints.topPlatform?.toLowerCase()
  let platform: DingTalkPlatform = 'not-in-dingtalk'
  if (isDingTalk && /iPhone|iPad|iPod|iOS/i.test(ua)) platform = 'ios'
  else if (isDingTalk && /Android/i.test(ua) && !isHarmony) platform = 'android'
  else if (isDingTalk && isHarmony) platform = 'harmony'
  else if (config?.containerId || hints.hasPcInvokeApi) platform = 'pc'
  else if (top && top !== 'notindingtalk') {
    // DingTalk: the top-window config also names gov variants (`gdtPc`, `gdtAndroid`, …).
    platform = /pc/.test(top)
      ? 'pc'
      : /android/.test(top)
        ? 'android'
        : /harmony/.test(top)
          ? 'harmony'
          : 'ios'
  }
  if (platform === 'not-in-dingtalk') return NOT_IN_DINGTALK
  const version =
    (typeof config?.hostVersion === 'string' ? config.hostVersion : undefined) ??
    /AliApp\(DingTalk\/([\d.]+)/i.exec(ua)?.[1] ??
    /DingTalk\/([\d.]+)/i.exec(ua)?.[1] ??
    /DingTalk\(([\d.]+)/i.exec(ua)?.[1]
  return { platform, inDingTalk: true, version }
}

/** Compares dotted versions numerically (`7.0.45` < `7.0.50` < `7.10.0`); a `-suffix` is ignored. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('-')[0]!.split('.')
  const right = b.split('-')[0]!.split('.')
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (parseInt(left[i] ?? '0', 10) || 0) - (parseInt(right[i] ?? '0', 10) || 0)
    if (diff !== 0) return diff < 0 ? -1 : 1
  }
  return 0
}
