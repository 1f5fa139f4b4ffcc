import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { preloadQrLogin } from 'react-dingtalk-login'
import { TestApp } from './TestApp'

const query = new URLSearchParams(location.search)
const mode = query.get('mode')
const scriptSrc = query.get('scriptSrc') || undefined
// `?preload=1`: the app starts loading ddlogin.js as its code loads, before React renders (the bench's variant).
if (scriptSrc && query.get('preload') === '1') preloadQrLogin({ scriptSrc })

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TestApp
      mode={mode === 'qr' || mode === 'two' ? mode : 'login'}
      locale={query.get('locale') === 'en' ? 'en' : 'zh-CN'}
      scriptSrc={scriptSrc}
      withSession={query.get('withSession') === '1'}
    />
  </StrictMode>,
)
