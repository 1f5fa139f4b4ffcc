import { randomBytes } from 'node:crypto'
import type { RunningEmulator } from 'dingtalk-emulator'
import type { DingTalkAuth } from 'dingtalk-login-server'
import type { DemoContainer, DemoCorp, DemoInfo, DemoPerson } from '../web/demoInfo'

const SAFE_PARAM = /^[\w-]{1,64}$/

/** What the page is rendered from. */
export interface PageRendererOptions {
  /** The built `index.html`. */
  template: string
  emulator: RunningEmulator | null
  auth: DingTalkAuth
  /** Where `dingtalk-login-server`'s routes are mounted. */
  endpoint: string
  corps: DemoCorp[]
  people: DemoPerson[]
}

/** One rendered page and the CSP nonce its inline script carries. */
export interface RenderedPage {
  html: string
  nonce: string
  /** The `Content-Security-Policy` header that goes with it. */
  contentSecurityPolicy: string
}

function readContainer(url: URL): DemoContainer | null {
  const platform = url.searchParams.get('container')
  const corpId = url.searchParams.get('corpId') ?? ''
  const userid = url.searchParams.get('userid') ?? ''
  const userCorpId = url.searchParams.get('userCorpId') || corpId
  if (platform !== 'ios' && platform !== 'android') return null
  if (![corpId, userid, userCorpId].every((value) => SAFE_PARAM.test(value))) return null
  return { platform, corpId, userid, userCorpId }
}

/** JSON that is safe inside an inline `<script>`. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

const escapeAttr = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

function contentSecurityPolicy(nonce: string, emulator: RunningEmulator | null): string {
  const emu = emulator ? ` ${emulator.url}` : ' https://g.alicdn.com'
  const login = emulator ? emulator.url : 'https://login.dingtalk.com'
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${emu}`,
    `frame-src ${login}`,
    `connect-src 'self'${emulator ? ` ${emulator.url}` : ''}`,
    "img-src 'self' data: https: http:",
    "style-src 'self' 'unsafe-inline'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ')
}

/**
 * The page for one request: the built `index.html` with {@link DemoInfo} inlined under a fresh CSP nonce, and, for
 * `?container=ios|android`, the emulator's container shim before everything else.
 */
export function createPageRenderer(options: PageRendererOptions): (url: URL) => RenderedPage {
  const { template, emulator, auth } = options
  return (url) => {
    const nonce = randomBytes(16).toString('base64')
    const container = emulator ? readContainer(url) : null
    const info: DemoInfo = {
      mode: emulator ? 'emulator' : 'dingtalk',
      emulatorUrl: emulator?.url ?? null,
      phoneUrl: emulator ? `${emulator.url}/__emulator/phone` : null,
      endpoint: options.endpoint,
      nonce,
      corps: options.corps,
      people: options.people,
      container,
    }
    let head = ''
    if (emulator && container) {
      // The container shim must run before dingtalk-jsapi: it sets DingTalk's user agent and native bridge.
      // Its corpId is the user's own organisation; the page asks for the workbench's (`?corpId=`).
      const appKey = auth.service.getAuthByCorpId(container.corpId)?.getLoginConfig().appKey
      const query = new URLSearchParams({
        corpId: container.userCorpId,
        userid: container.userid,
        platform: container.platform,
        ...(appKey ? { clientId: appKey } : {}),
      })
      head += `<script src="${escapeAttr(`${emulator.url}/__emulator/dd-container.js?${query}`)}"></script>`
    }
    head += `<script nonce="${nonce}">window.__DINGTALK_DEMO__=${inlineJson(info)}</script>`
    const html = template
      .replace('<meta name="demo-inject" />', head)
      .replace('<meta name="demo-inject">', head)
    return { html, nonce, contentSecurityPolicy: contentSecurityPolicy(nonce, emulator) }
  }
}
