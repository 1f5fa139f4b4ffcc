/** What the demo server tells the page (inlined into index.html as `window.__DINGTALK_DEMO__`). */
export interface DemoInfo {
  /** `emulator`: the local DingTalk of `npm start`; `dingtalk`: real credentials, the real DingTalk. */
  mode: 'emulator' | 'dingtalk'
  /** Base URL of the emulator (`null` against the real DingTalk). */
  emulatorUrl: string | null
  /** The emulator's phone simulator, where QR codes are "scanned". */
  phoneUrl: string | null
  /** The backend routes of `dingtalk-login-server`. */
  endpoint: string
  /** CSP nonce of this response, handed to `DingTalkLoginProvider` for the `ddlogin.js` tag. */
  nonce: string
  /** The organisations the server has a login instance for. */
  corps: DemoCorp[]
  /** People of the emulator's fixture to open the page "inside DingTalk" as. */
  people: DemoPerson[]
  /** Set when the page was opened with `?container=ios|android`: the emulator's container shim ran first. */
  container: DemoContainer | null
}

export interface DemoCorp {
  corpId: string
  name: string
  /** The login instance (`auths/loginTypes/<instance>`). */
  instance: string
  /** The app's name in DingTalk. */
  appName: string
}

export interface DemoPerson {
  name: string
  userid: string
  corpId: string
  corpName: string
  /** Why this person is interesting, e.g. "member of another organisation". */
  note?: string
}

export interface DemoContainer {
  platform: 'ios' | 'android'
  /** The organisation whose workbench opened the page (`?corpId=`, DingTalk's `$CORPID$`). */
  corpId: string
  /** The signed-in DingTalk user. */
  userid: string
  /** The organisation the user belongs to (`?userCorpId=`), when it is not `corpId`. */
  userCorpId: string
}

declare global {
  interface Window {
    __DINGTALK_DEMO__?: DemoInfo
  }
}

/** The server's {@link DemoInfo}; a neutral default when the page runs without the demo server. */
export function readDemoInfo(): DemoInfo {
  return (
    window.__DINGTALK_DEMO__ ?? {
      mode: 'dingtalk',
      emulatorUrl: null,
      phoneUrl: null,
      endpoint: '/api/auth/dingtalk',
      nonce: '',
      corps: [],
      people: [],
      container: null,
    }
  )
}

/** The name of a served organisation, or its corpId. */
export function corpName(info: DemoInfo, corpId: string): string {
  return info.corps.find((c) => c.corpId === corpId)?.name ?? corpId
}
