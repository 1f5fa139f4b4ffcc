import type { DingTalkLoginError } from 'react-dingtalk-login'
import { explainError } from './explainError'

/** A login error: what happened, what to do, and its codes. */
export function ErrorPanel({ error }: { error: DingTalkLoginError }) {
  const explanation = explainError(error)
  return (
    <section
      className="error"
      aria-label="What happened"
      data-code={error.code}
      data-server-code={error.serverCode}
    >
      <h3>{explanation.title}</h3>
      <p>{explanation.what}</p>
      <p>
        <strong>What to do:</strong> {explanation.fix}
      </p>
      <p className="codes">
        <code>error.code = {error.code}</code>
        {error.serverCode ? <code>error.serverCode = {error.serverCode}</code> : null}
        {error.requestId ? <code>requestId = {error.requestId}</code> : null}
        <span>“{error.message}”</span>
      </p>
    </section>
  )
}
