import { useState } from 'react'
import { DingTalkLoginProvider } from 'react-dingtalk-login'
import type { DingTalkLocale } from 'react-dingtalk-login'
import { readDemoInfo } from './demoInfo'
import { DirectoryPage } from './directory/DirectoryPage'
import { LoginPage } from './LoginPage'

/** The pages of the demo, by path: `/` signs in, `/directory` shows the organisation live. */
type PageName = 'login' | 'directory'

const pageOfPath = (pathname: string): PageName => (pathname === '/directory' ? 'directory' : 'login')

function initialLocale(): DingTalkLocale {
  return new URLSearchParams(location.search).get('lang') === 'zh-CN' ? 'zh-CN' : 'en'
}

export function App() {
  const [info] = useState(readDemoInfo)
  const [page] = useState(() => pageOfPath(location.pathname))
  const [locale, setLocale] = useState<DingTalkLocale>(initialLocale)
  // The links keep the chosen language, so the next page speaks it too.
  const href = (path: string) => (locale === 'zh-CN' ? `${path}?lang=zh-CN` : path)

  return (
    <DingTalkLoginProvider endpoint={info.endpoint} locale={locale} nonce={info.nonce}>
      <header className="top">
        <h1>DingTalk login demo</h1>
        <span className="mode" data-mode={info.mode}>
          {info.mode === 'emulator' ? 'Local DingTalk emulator · no account needed' : 'Real DingTalk'}
        </span>
        <nav className="tabs" aria-label="Demo pages">
          <a href={href('/')} aria-current={page === 'login' ? 'page' : undefined}>
            Sign in
          </a>
          <a href={href('/directory')} aria-current={page === 'directory' ? 'page' : undefined}>
            Directory
          </a>
        </nav>
        <label className="lang">
          {page === 'directory' ? 'Language of the directory texts' : 'Language of the login texts'}{' '}
          <select value={locale} onChange={(e) => setLocale(e.target.value as DingTalkLocale)}>
            <option value="en">English</option>
            <option value="zh-CN">中文</option>
          </select>
        </label>
      </header>
      {page === 'directory' ? <DirectoryPage info={info} locale={locale} /> : <LoginPage info={info} />}
    </DingTalkLoginProvider>
  )
}
