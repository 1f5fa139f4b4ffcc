import { renderToString } from 'react-dom/server'
import {
  DingTalkLogin,
  DingTalkLoginButton,
  DingTalkLoginProvider,
  preloadQrLogin,
  useDingTalkSession,
  DingTalkQrLogin,
  loadQrLoginSdk,
  useDingTalkEnv,
  useDingTalkQrLogin,
  useWorkbenchAutoLogin,
  WorkbenchAutoLogin,
} from 'react-dingtalk-login'
import {
  createDingTalkBridge,
  createQrLoginStore,
  createWorkbenchLoginStore,
  detectDingTalkEnv,
} from 'react-dingtalk-login/core'
import { describe, expect, it } from 'vitest'

// The ssr project runs in plain node: any touch of window/document/navigator/location throws a ReferenceError.
describe('server rendering', () => {
  it('has no browser globals to touch', () => {
    expect(typeof window).toBe('undefined')
    expect(typeof document).toBe('undefined')
    expect(typeof location).toBe('undefined')
  })

  it('renders the session as loading without fetching, the login button, and preloads nothing', () => {
    let fetched = 0
    function Who() {
      const { status, user } = useDingTalkSession()
      return <p data-status={status}>{user ? user.name : ''}</p>
    }
    const html = renderToString(
      <DingTalkLoginProvider
        fetch={async () => {
          fetched++
          return new Response('{}')
        }}
      >
        <Who />
        <DingTalkLoginButton returnTo="/" />
      </DingTalkLoginProvider>,
    )
    expect(html).toContain('data-status="loading"')
    expect(html).toContain('钉钉登录')
    expect(fetched).toBe(0)
    expect(() => preloadQrLogin({ scriptSrc: 'https://cdn.example/ddlogin.js' })).not.toThrow()
  })

  it('renders DingTalkQrLogin in its idle state', () => {
    // With scriptSrc too: the load the first render starts touches nothing on the server.
    const html = renderToString(
      <DingTalkQrLogin
        width={280}
        height={280}
        corpId="dingcorp"
        scriptSrc="https://cdn.example/ddlogin.js"
      />,
    )
    expect(html).toContain('data-dingtalk-login="qr"')
    expect(html).toContain('data-state="idle"')
    expect(html).toContain('role="status"')
    expect(html).toContain('aria-live="polite"')
  })

  it('renders WorkbenchAutoLogin idle, without its fallback', () => {
    const html = renderToString(<WorkbenchAutoLogin corpId="dingcorp" fallback={<span>fallback</span>} />)
    expect(html).toContain('data-dingtalk-login="workbench"')
    expect(html).toContain('data-state="idle"')
    expect(html).not.toContain('fallback')
  })

  it('renders DingTalkLogin inside a provider', () => {
    const html = renderToString(
      <DingTalkLoginProvider endpoint="/auth" locale="en" nonce="n">
        <DingTalkLogin />
      </DingTalkLoginProvider>,
    )
    expect(html).toContain('data-state="idle"')
  })

  it('renders the hooks: env unknown, stores idle', () => {
    function Headless() {
      const env = useDingTalkEnv()
      const qr = useDingTalkQrLogin()
      const workbench = useWorkbenchAutoLogin()
      return <p>{`${String(env)} ${qr.status} ${workbench.status} ${String(workbench.env)}`}</p>
    }
    expect(renderToString(<Headless />)).toContain('undefined idle idle null')
  })

  it('core functions are safe on the server', async () => {
    expect(detectDingTalkEnv()).toMatchObject({ platform: 'not-in-dingtalk' })
    expect(createDingTalkBridge().getEnv().inDingTalk).toBe(false)
    await expect(createDingTalkBridge().requestAuthCode({ corpId: 'c' })).rejects.toMatchObject({
      code: 'environment',
    })
    await expect(loadQrLoginSdk()).rejects.toMatchObject({ name: 'DingTalkLoginError', code: 'environment' })
    expect(createQrLoginStore().getState().status).toBe('idle')
    expect(createWorkbenchLoginStore().getState().status).toBe('idle')
  })

  it('a workbench store started on the server ends not-in-dingtalk without jsapi', async () => {
    const store = createWorkbenchLoginStore()
    store.getState().start({ corpId: 'c' })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.getState().status).toBe('not-in-dingtalk')
  })
})
