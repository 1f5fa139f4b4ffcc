// The only file that reads DingTalk's globals. Vendor types keep DingTalk's own names (those of its published
// DTFrameLogin declaration) and are read through accessors, so nothing is added to our consumers' global `Window` type.

/** `frameParams` of `DTFrameLogin`. */
export interface IDTLoginFrameParams {
  /** Id of the container element, without `#`. */
  id: string
  /** Width of the iframe (DingTalk documents 280 as the minimum, 300 as the default). */
  width?: number
  /** Height of the iframe. */
  height?: number
}

/** `loginParams` of `DTFrameLogin`. The script appends every value verbatim: pass them encoded. */
export interface IDTLoginLoginParams {
  redirect_uri: string
  response_type: string
  client_id: string
  scope: string
  prompt: string
  state?: string
  org_type?: string
  corpId?: string
  exclusiveLogin?: string
  exclusiveCorpId?: string
  isPre?: boolean
}

/** What `DTFrameLogin` hands to its success callback. `authCode` and `state` are still percent-encoded. */
export interface IDTLoginSuccess {
  redirectUrl: string
  authCode: string
  state?: string
}

/** `window.DTFrameLogin`, defined by `ddlogin.js`. Version 0.21.0 returns the iframe it created. */
export type DTFrameLogin = (
  frameParams: IDTLoginFrameParams,
  loginParams: IDTLoginLoginParams,
  successCbk: (result: IDTLoginSuccess) => void,
  errorCbk?: (errorMsg?: string) => void,
) => HTMLIFrameElement | void

interface DingTalkWindow {
  DTFrameLogin?: DTFrameLogin
  dingtalk?: { platform?: { invokeAPI?: unknown } }
  dd_bridge_config?: unknown
  __dingtalk_jsapi_top_platfrom_config__?: { platform?: unknown }
}

/** `window.DTFrameLogin` when a `ddlogin.js` has defined it; `undefined` on the server. */
export function getDTFrameLogin(): DTFrameLogin | undefined {
  // The global binding that `ddlogin.js` defines on `window`; `typeof` is safe where it is undeclared.
  return typeof DTFrameLogin === 'function' ? DTFrameLogin : undefined
}

// Module-scoped: consumers' global types stay untouched.
declare const DTFrameLogin: DTFrameLogin | undefined

/** The raw signals `dingtalk-jsapi` itself reads to decide where it runs (its `getENV()`). */
export interface ContainerHints {
  userAgent: string
  /** `window.name`; the PC client puts its container config there. */
  windowName: string
  /** `window.dd_bridge_config`, the other place of the PC container config. */
  bridgeConfig: string
  /** `window.dingtalk.platform.invokeAPI` exists (top-level page in the PC client). */
  hasPcInvokeApi: boolean
  /** `__dingtalk_jsapi_top_platfrom_config__.platform` of the top window, when readable. */
  topPlatform: string | undefined
}

/** Reads the container hints; `undefined` on the server. */
export function readContainerHints(): ContainerHints | undefined {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') return undefined
  const w = window as unknown as DingTalkWindow
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  let topPlatform: string | undefined
  try {
    // DingTalk: the misspelt global is jsapi's own name; reading a cross-origin top throws.
    topPlatform =
      text(
        Object((window.top as unknown as DingTalkWindow).__dingtalk_jsapi_top_platfrom_config__).platform,
      ) || undefined
  } catch {
    // cross-origin top
  }
  return {
    userAgent: navigator.userAgent || text((navigator as Navigator & { swuserAgent?: unknown }).swuserAgent),
    windowName: text(window.name),
    bridgeConfig: text(w.dd_bridge_config),
    hasPcInvokeApi: typeof Object(Object(w.dingtalk).platform).invokeAPI === 'function',
    topPlatform,
  }
}
