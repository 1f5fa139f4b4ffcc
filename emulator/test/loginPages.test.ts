import { describe, expect, it } from 'vitest'
import { emulator, lina, unpublishedApp, userToken, xinghe, yunqiApp, zhangwei } from './helpers'

const REDIRECT = 'http://127.0.0.1:5173/api/auth/dingtalk/callback'

function authUrl(base: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, v)
  return `${base}/oauth2/auth?${query}`
}

const defaults = {
  redirect_uri: REDIRECT,
  response_type: 'code',
  client_id: yunqiApp.clientId,
  scope: 'openid',
  prompt: 'consent',
  state: 'xyz',
}

async function page(url: string) {
  const res = await fetch(url, { redirect: 'manual' })
  return {
    status: res.status,
    html: await res.text(),
    location: res.headers.get('location'),
    type: res.headers.get('content-type'),
  }
}

describe('GET /oauth2/auth', () => {
  it('serves the embedded QR page with a real QR image and a short text', async () => {
    const e = await emulator()
    const p = await page(authUrl(e.url, { iframe: 'true', ...defaults }))
    expect(p.status).toBe(200)
    expect(p.type).toMatch(/^text\/html/)
    expect(p.html).toMatch(
      /<img class="qr" id="qr" alt="钉钉登录二维码" src="data:image\/png;base64,[A-Za-z0-9+/=]{200,}"/,
    )
    expect(p.html).toContain('请使用钉钉扫描二维码登录')
    const [session] = e.sessions()
    expect(session).toMatchObject({
      mode: 'iframe',
      clientId: yunqiApp.clientId,
      redirectUri: REDIRECT,
      state: 'xyz',
      scope: 'openid',
    })
    expect(p.html).toContain(`"targetOrigin":"http://127.0.0.1:5173"`)
  })

  it('validates client_id, redirect_uri, response_type, scope and prompt with an error page', async () => {
    const e = await emulator()
    const cases: [Record<string, string | undefined>, string][] = [
      [{ client_id: undefined }, '缺少参数 client_id'],
      [{ client_id: 'dingnotanapp' }, '应用不存在'],
      [{ client_id: unpublishedApp.clientId }, '应用未发布'],
      [{ redirect_uri: undefined }, '缺少参数 redirect_uri'],
      [{ redirect_uri: 'http://evil.example/api/auth/dingtalk/callback' }, '未在应用的重定向URL中登记'],
      [{ redirect_uri: 'http://127.0.0.1:5173/other' }, '未在应用的重定向URL中登记'],
      [{ redirect_uri: 'not a url' }, '未在应用的重定向URL中登记'],
      [{ response_type: 'token' }, 'response_type 只支持 code'],
      [{ scope: undefined }, '缺少参数 scope'],
      [{ scope: 'corpid' }, 'scope 必须包含 openid'],
      [{ prompt: 'login' }, '不支持的 prompt'],
      [{ exclusiveLogin: 'true', exclusiveCorpId: 'dingnope' }, '组织不存在'],
    ]
    for (const [override, message] of cases) {
      const p = await page(authUrl(e.url, { iframe: 'true', ...defaults, ...override }))
      expect(p.status, message).toBe(200)
      expect(p.html, message).toContain('data-state="error"')
      expect(p.html, message).toContain(message)
    }
    expect(e.sessions()).toEqual([])
    const strict = await emulator({ loginPageErrorStatus: 400 })
    expect((await page(authUrl(strict.url, { ...defaults, client_id: 'x' }))).status).toBe(400)
  })

  it('accepts redirect URIs on any loopback port, with a query, and exact entries', async () => {
    const e = await emulator()
    for (const uri of [
      'http://localhost:41234/api/auth/dingtalk/callback?next=%2Fhome',
      'http://127.0.0.1:9/',
      'http://[::1]:8080/api/auth/dingtalk/callback',
      'https://app.yunqi.example/api/auth/dingtalk/callback',
    ]) {
      const p = await page(authUrl(e.url, { ...defaults, redirect_uri: uri }))
      expect(p.html, uri).toContain('data-state="pending"')
    }
    const wrongScheme = await page(
      authUrl(e.url, { ...defaults, redirect_uri: 'https://127.0.0.1:5173/api/auth/dingtalk/callback' }),
    )
    expect(wrongScheme.html).toContain('data-state="error"')
  })

  it('full page: the scan result is code + authCode + state (authCode only when configured)', async () => {
    const e = await emulator()
    await page(authUrl(e.url, { ...defaults, state: 'a b&c' }))
    const r = e.scan({ clientId: yunqiApp.clientId, userid: zhangwei.userid, approve: true })
    expect(r.redirectUrl).toBe(`${REDIRECT}?code=${r.code}&authCode=${r.code}&state=a%20b%26c`)
    const only = await emulator({ callbackParams: 'authCode' })
    await page(authUrl(only.url, defaults))
    const r2 = only.scan({ clientId: yunqiApp.clientId, userid: zhangwei.userid, approve: true })
    expect(r2.redirectUrl).toBe(`${REDIRECT}?authCode=${r2.code}&state=xyz`)
  })

  it('iframe: redirectUrl carries authCode + state (and code too when configured); a query in redirect_uri is kept', async () => {
    const e = await emulator()
    await page(
      authUrl(e.url, { iframe: 'true', ...defaults, redirect_uri: `${REDIRECT}?from=qr`, state: undefined }),
    )
    const r = e.scan({ userid: zhangwei.userid, approve: true })
    expect(r.redirectUrl).toBe(`${REDIRECT}?from=qr&authCode=${r.code}`)
    const both = await emulator({ iframeCallbackParams: 'both' })
    await page(authUrl(both.url, { iframe: 'true', ...defaults }))
    const r2 = both.scan({ userid: zhangwei.userid, approve: true })
    expect(r2.redirectUrl).toBe(`${REDIRECT}?code=${r2.code}&authCode=${r2.code}&state=xyz`)
  })

  it('autoLogin: the full page redirects at once with a working code', async () => {
    const e = await emulator({ autoLogin: { unionId: lina.unionId } })
    const p = await page(authUrl(e.url, { ...defaults, scope: 'openid corpid', corpId: xinghe }))
    expect(p.status).toBe(302)
    const location = new URL(p.location!)
    expect(location.origin + location.pathname).toBe(REDIRECT)
    expect(location.searchParams.get('code')).toBe(location.searchParams.get('authCode'))
    expect(location.searchParams.get('state')).toBe('xyz')
    const token = await userToken(e.url, location.searchParams.get('authCode')!)
    expect(token.body.corpId).toBe(xinghe)
  })

  it('serves /oauth2/challenge.htm as the same page unless turned off', async () => {
    const e = await emulator()
    const p = await page(authUrl(e.url, defaults).replace('/oauth2/auth', '/oauth2/challenge.htm'))
    expect(p.html).toContain('data-state="pending"')
    const off = await emulator({ challengePage: false })
    const p2 = await fetch(authUrl(off.url, defaults).replace('/oauth2/auth', '/oauth2/challenge.htm'))
    expect(await p2.json()).toEqual({ errcode: 404, errmsg: '请求的URI地址不存在' })
  })
})

describe('scripts', () => {
  it('serves ddlogin.js at /ddlogin.js and at the CDN path, pointing at the emulator origin', async () => {
    const e = await emulator()
    for (const path of ['/ddlogin.js', '/dingding/h5-dingtalk-login/0.21.0/ddlogin.js']) {
      const res = await fetch(`${e.url}${path}`)
      expect(res.headers.get('content-type')).toMatch(/^application\/javascript/)
      const source = await res.text()
      expect(source).toContain('window.DTFrameLogin')
      expect(source).toContain(JSON.stringify(`${e.url}/oauth2/auth`))
    }
  })

  it('serves the container shim for a member, and for bad parameters a shim that loads and names the mistake', async () => {
    const e = await emulator()
    const ok = await fetch(
      `${e.url}/__emulator/dd-container.js?corpId=${e.fixture.corps[0]!.corpId}&userid=${zhangwei.userid}&platform=android`,
    )
    expect(ok.headers.get('access-control-allow-origin')).toBe('*')
    const source = await ok.text()
    expect(source).toContain('window.nuva')
    expect(source).toContain('AliApp(DingTalk/7.6.0)')
    // Issue #14: it used to throw at load, and the page silently acted outside DingTalk.
    const bad = await (await fetch(`${e.url}/__emulator/dd-container.js?corpId=x&userid=y`)).text()
    expect(bad).not.toMatch(/^throw /)
    expect(bad).toContain('window.WebViewJavascriptBridge')
    expect(bad).toContain('"problem":"no corp x"')
    const platform = await (
      await fetch(
        `${e.url}/__emulator/dd-container.js?corpId=${e.fixture.corps[0]!.corpId}&userid=${zhangwei.userid}&platform=symbian`,
      )
    ).text()
    expect(platform).toContain('platform must be one of ios, android, pc, harmony')
  })

  it('serves the phone page', async () => {
    const e = await emulator()
    const res = await fetch(`${e.url}/__emulator/phone?session=abc`)
    const html = await res.text()
    expect(html).toContain('钉钉模拟手机')
    expect(html).toContain('var highlight = "abc"')
  })
})
