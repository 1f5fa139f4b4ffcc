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
  try {
    return JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1))
  } catch {
    return undefined // none, or not JSON
  }
}

/**
 * The mobile platform a user agent or a top-window platform name names, if any. DingTalk: jsapi's Harmony rule
 * needs both `OpenHarmony` and `ArkWeb` (a top-window name is just `harmony`); an Android-based HarmonyOS 2–4
 * user agent that says "Harmony" is android.
 */
const mobile = (text: string) =>
  /iPhone|iPad|iPod|iOS/i.test(text)
    ? 'ios'
    : text == 'harmony' || (/OpenHarmony/i.test(text) && /ArkWeb/i.test(text))
      ? 'harmony'
      : /Android/i.test(text) && 'android'

/**
 * Where the page runs, following `dingtalk-jsapi`'s own `getENV()` so that the SDK
 * can decide whether to load jsapi at all. A desktop user agent that merely contains "DingTalk" is not the PC
 * client: that needs the container config. Pure: pass `hints` in tests; returns `not-in-dingtalk` on the server.
 */
export function detectDingTalkEnv(hints: ContainerHints | undefined = readContainerHints()): DingTalkEnv {
  if (!hints) return NOT_IN_DINGTALK
  const ua = hints.userAgent
  const config = parseContainerConfig(hints.bridgeConfig) || parseContainerConfig(hints.windowName) || {}
  // DingTalk: the top-window config also names gov variants (`gdtPc`, `gdtAndroid`, …).
  const top = (hints.topPlatform || 'notindingtalk').toLowerCase()
  const platform =
    (/DingTalk/i.test(ua) && mobile(ua)) ||
    (config.containerId || hints.hasPcInvokeApi || /pc/.test(top)
      ? 'pc'
      : top !== 'notindingtalk' && (mobile(top) || 'ios'))
  if (!platform) return NOT_IN_DINGTALK
  // DingTalk: the container config's version, else the user agent's (`DingTalk/7.6.0`, `DingTalk(7.8.10-…)`).
  // Only a string: `compareVersions` splits it.
  const { hostVersion } = config
  const version =
    (typeof hostVersion == 'string' && hostVersion) || (/DingTalk[/(]([\d.]+)/i.exec(ua) || [])[1]
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
