import { useState } from 'react'
import { DingTalkLoginProvider } from 'react-dingtalk-login'
import type { DingTalkLocale } from 'react-dingtalk-login'
import { readDemoInfo } from './demoInfo'
import { LoginPage } from './LoginPage'

function initialLocale(): DingTalkLocale {
  return new URLSearchParams(location.search).get('lang') === 'zh-CN' ? 'zh-CN' : 'en'
}

export function App() {
  const [info] = useState(readDemoInfo)
  const [locale, setLocale] = useState<DingTalkLocale>(initialLocale)

  return (
    <DingTalkLoginProvider endpoint={info.endpoint} locale={locale} nonce={info.nonce}>
      <header className="top">
        <h1>DingTalk login demo</h1>
        <span className="mode" data-mode={info.mode}>
          {info.mode === 'emulator' ? 'Local DingTalk emulator · no account needed' : 'Real DingTalk'}
        </span>
        <label className="lang">
          Language of the login texts{' '}
          <select value={locale} onChange={(e) => setLocale(e.target.value as DingTalkLocale)}>
            <option value="en">English</option>
            <option value="zh-CN">中文</option>
          </select>
        </label>
      </header>
      <LoginPage info={info} />
    </DingTalkLoginProvider>
  )
}
