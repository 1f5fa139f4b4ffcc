import { useState } from 'react'
import type { DemoInfo } from './demoInfo'

const EXPIRE_MS = 11 * 60_000

/** How to provoke each login error against the emulator. */
export function TryFailures({ info }: { info: DemoInfo }) {
  const [expired, setExpired] = useState<'no' | 'yes' | 'failed'>('no')
  const expire = async () => {
    try {
      const response = await fetch(`${info.emulatorUrl}/__emulator/clock`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ advanceMs: EXPIRE_MS }),
      })
      setExpired(response.ok ? 'yes' : 'failed')
    } catch {
      setExpired('failed')
    }
  }
  return (
    <section className="card" aria-labelledby="failures-title">
      <h2 id="failures-title">Provoke the errors</h2>
      <ol className="failures">
        <li>
          <strong>Refuse the scan.</strong> On the phone press <em>扫码</em>, then <em>拒绝</em> (refuse). The
          QR login ends with <code>auth-code-failed</code>.
        </li>
        <li>
          <strong>A person outside the organisation.</strong> On the phone pick <em>马超 · 无组织</em> (in no
          organisation): DingTalk itself refuses. Or choose 北京星河数据 above and scan as <em>周杰</em>, an
          external contact: DingTalk lets him scan, the server answers <code>not_corp_member</code>.
        </li>
        <li>
          <strong>An expired QR code.</strong>{' '}
          <button type="button" onClick={expire}>
            Let the QR code expire
          </button>{' '}
          moves the emulator’s clock (which the server shares) 11 minutes ahead. The QR page renews itself,
          but the login state behind it is gone: scan it and the server answers <code>invalid_state</code>.
          {expired === 'yes' ? (
            <span role="status" className="ok">
              {' '}
              Clock moved 11 minutes ahead: scan the QR code now.
            </span>
          ) : null}
          {expired === 'failed' ? <span role="alert"> The emulator did not answer.</span> : null}
        </li>
      </ol>
    </section>
  )
}
