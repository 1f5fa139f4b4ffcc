import { corpName } from './demoInfo'
import type { DemoInfo } from './demoInfo'

/** Says as whom and in which organisation the page was opened "inside DingTalk". */
export function ContainerBanner({ info }: { info: DemoInfo }) {
  const c = info.container!
  const person = info.people.find((p) => p.userid === c.userid && p.corpId === c.userCorpId)
  return (
    <div className="banner" role="note" aria-label="Inside DingTalk">
      Opened as if inside DingTalk ({c.platform === 'ios' ? 'iOS' : 'Android'}) as{' '}
      <strong>{person ? `${person.name} (${c.userid})` : c.userid}</strong> in{' '}
      <strong>{corpName(info, c.corpId)}</strong>. The emulator’s container shim ran before{' '}
      <code>dingtalk-jsapi</code>, so the page gets a real free-login code.{' '}
      <a href="/">Back to the browser view</a>
    </div>
  )
}
