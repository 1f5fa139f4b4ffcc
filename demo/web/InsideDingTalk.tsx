import { useState } from 'react'
import { corpName } from './demoInfo'
import type { DemoCorp, DemoInfo, DemoPerson } from './demoInfo'

function containerHref(platform: 'ios' | 'android', corpId: string, person: DemoPerson): string {
  const query = new URLSearchParams({ container: platform, corpId, userid: person.userid })
  if (person.corpId !== corpId) query.set('userCorpId', person.corpId)
  return `/?${query}`
}

/** Links that open the page as if inside DingTalk, as a chosen person from a chosen workbench. */
export function InsideDingTalk({ info }: { info: DemoInfo }) {
  const key = (p: DemoPerson) => `${p.corpId}/${p.userid}`
  const [personKey, setPersonKey] = useState(info.people[0] ? key(info.people[0]) : '')
  const [corpId, setCorpId] = useState(info.corps[0]?.corpId ?? '')
  const person = info.people.find((p) => key(p) === personKey)
  return (
    <section className="card" aria-labelledby="inside-title">
      <h2 id="inside-title">Open as if inside DingTalk</h2>
      <p>
        DingTalk opens your app’s homepage (<code>…/?corpId=$CORPID$</code>) from the workbench. These links
        load the page with the emulator’s container shim first, and <code>DingTalkLogin</code> signs in
        without a QR code.
      </p>
      <label className="field">
        Person{' '}
        <select value={personKey} onChange={(e) => setPersonKey(e.target.value)} aria-label="Person">
          {info.people.map((p) => (
            <option key={key(p)} value={key(p)}>
              {p.name} · {p.corpName}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Workbench of{' '}
        <select value={corpId} onChange={(e) => setCorpId(e.target.value)} aria-label="Workbench of">
          {info.corps.map((corp: DemoCorp) => (
            <option key={corp.corpId} value={corp.corpId}>
              {corp.name}
            </option>
          ))}
        </select>
      </label>
      {person && person.corpId !== corpId ? (
        <p className="hint">
          {person.name} is not in {corpName(info, corpId)}: DingTalk refuses the free-login code and the page
          falls back to the QR code.
        </p>
      ) : null}
      {person ? (
        <p className="links">
          <a href={containerHref('ios', corpId, person)}>Open in DingTalk (iOS)</a>
          <a href={containerHref('android', corpId, person)}>Open in DingTalk (Android)</a>
        </p>
      ) : null}
    </section>
  )
}
