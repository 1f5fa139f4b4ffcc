import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { TestApp } from './TestApp'

const query = new URLSearchParams(location.search)
const mode = query.get('mode')

// The bench (bench/qr-time.bench.ts) measures from here to the QR iframe's request.
performance.mark('dingtalk-login-mount')
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TestApp
      mode={mode === 'qr' || mode === 'two' ? mode : 'login'}
      locale={query.get('locale') === 'en' ? 'en' : 'zh-CN'}
      scriptSrc={query.get('scriptSrc') || undefined}
      withSession={query.get('withSession') === '1'}
    />
  </StrictMode>,
)
