import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { TestApp } from './TestApp'

const query = new URLSearchParams(location.search)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TestApp
      mode={query.get('mode') === 'qr' ? 'qr' : 'login'}
      locale={query.get('locale') === 'en' ? 'en' : 'zh-CN'}
    />
  </StrictMode>,
)
