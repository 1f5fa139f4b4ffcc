import type { DingTalkLocale } from 'react-dingtalk-login'
import type { FirstSyncView } from '../directoryView'

/** Every text of the directory page, in one language. */
export interface DirectoryTexts {
  title: string
  intro: string
  off: string
  loading: string
  loadFailed: string
  firstSync: (sync: FirstSyncView) => string
  streamConnected: string
  streamConnecting: string
  treeOf: (corp: string) => string
  departmentsOf: (name: string) => string
  peopleOf: (name: string) => string
  unplaced: string
  admin: string
  leader: string
  active: string
  leftSince: (when: string) => string
  you: string
  youEnded: string
  leave: string
  rejoin: string
  leaveLabel: (name: string) => string
  rejoinLabel: (name: string) => string
  leaveSent: string
  rejoinSent: string
  actionFailed: (message: string) => string
  thisBrowser: string
  checking: string
  signedInAs: (name: string, corp: string) => string
  localUser: string
  signedInHint: string
  endedBecauseLeft: (name: string, corp: string, when: string) => string
  endedOtherwise: string
  endedFix: string
  backInCorp: (name: string) => string
  signInAgain: string
  notSignedIn: string
  signIn: string
  signInHint: string
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

const en: DirectoryTexts = {
  title: 'Directory',
  intro:
    'The organisations as the server’s directory knows them (auth.directory.departments() and people()): one full crawl at start, then DingTalk’s address-book events over Stream mode. Leave and Rejoin change the emulator’s organisation; this page learns of it only the way the server does.',
  off: 'The directory page runs against the emulator: start npm start without DingTalk credentials.',
  loading: 'Loading the directory…',
  loadFailed: 'The demo server did not answer; trying again.',
  firstSync: (sync) =>
    sync.state === 'running'
      ? 'First full crawl running…'
      : sync.state === 'failed'
        ? `The first full crawl failed: ${sync.message}`
        : `First full crawl: ${sync.departments} departments, ${sync.people} people${sync.rehired ? ` (${sync.rehired} back since the last run)` : ''}, ${sync.apiCalls} DingTalk calls, ${seconds(sync.durationMs)}${sync.complete ? '' : ' — incomplete, so nobody was marked left'}.`,
  streamConnected: 'Stream mode: connected',
  streamConnecting: 'Stream mode: connecting…',
  treeOf: (corp) => `Department tree of ${corp}`,
  departmentsOf: (name) => `Departments of ${name}`,
  peopleOf: (name) => `People of ${name}`,
  unplaced: 'In no known department',
  admin: 'admin',
  leader: 'leads',
  active: 'Active',
  leftSince: (when) => `Left since ${when}`,
  you: 'You · signed in on this browser',
  youEnded: 'You · session ended',
  leave: 'Leave',
  rejoin: 'Rejoin',
  leaveLabel: (name) => `Leave: ${name}`,
  rejoinLabel: (name) => `Rejoin: ${name}`,
  leaveSent: 'Left in the emulator; waiting for the event…',
  rejoinSent: 'Hired again in the emulator; waiting for the event…',
  actionFailed: (message) => `The emulator refused: ${message}`,
  thisBrowser: 'This browser',
  checking: 'Checking your session…',
  signedInAs: (name, corp) => `Signed in as ${name} (${corp})`,
  localUser: 'Local user id',
  signedInHint:
    'Press Leave next to your name: the emulator sends user_leave_org over Stream mode, the server marks you left and revokes every session of yours, and this panel (it asks GET /session every second) shows you signed out.',
  endedBecauseLeft: (name, corp, when) =>
    `Your session ended: ${name} left ${corp} (${when}). The server revoked every session of theirs, so GET /session answers 401.`,
  endedOtherwise: 'Your session ended: logged out, expired or revoked.',
  endedFix: 'Press Rejoin to hire them again; until then a new login answers not_corp_member.',
  backInCorp: (name) =>
    `${name} is back in the organisation. Sign in again: the binding was kept, so you are the same local user.`,
  signInAgain: 'Sign in again',
  notSignedIn: 'Not signed in on this browser.',
  signIn: 'Sign in',
  signInHint: 'and come back: you are marked in the tree.',
}

const zhCN: DirectoryTexts = {
  title: '通讯录',
  intro:
    '服务端通讯录中的组织（auth.directory.departments() 与 people()）：启动时全量同步一次，之后通过 Stream 模式接收钉钉的通讯录事件。“离职”和“重新入职”修改的是模拟器中的组织；本页只通过服务端得知这些变化。',
  off: '通讯录页面需要模拟器：不带钉钉凭据运行 npm start。',
  loading: '正在加载通讯录…',
  loadFailed: '演示服务器没有响应，正在重试。',
  firstSync: (sync) =>
    sync.state === 'running'
      ? '首次全量同步进行中…'
      : sync.state === 'failed'
        ? `首次全量同步失败：${sync.message}`
        : `首次全量同步：${sync.departments} 个部门，${sync.people} 人${sync.rehired ? `（其中 ${sync.rehired} 人自上次运行后重新入职）` : ''}，调用钉钉 ${sync.apiCalls} 次，用时 ${seconds(sync.durationMs)}${sync.complete ? '' : '——同步不完整，因此没有人被标记为离职'}。`,
  streamConnected: 'Stream 模式：已连接',
  streamConnecting: 'Stream 模式：连接中…',
  treeOf: (corp) => `${corp} 的部门树`,
  departmentsOf: (name) => `${name} 的下级部门`,
  peopleOf: (name) => `${name} 的成员`,
  unplaced: '不在已知部门中',
  admin: '管理员',
  leader: '主管',
  active: '在职',
  leftSince: (when) => `已于 ${when} 离职`,
  you: '你 · 已在此浏览器登录',
  youEnded: '你 · 会话已结束',
  leave: '离职',
  rejoin: '重新入职',
  leaveLabel: (name) => `离职：${name}`,
  rejoinLabel: (name) => `重新入职：${name}`,
  leaveSent: '已在模拟器中离职，等待事件…',
  rejoinSent: '已在模拟器中重新入职，等待事件…',
  actionFailed: (message) => `模拟器拒绝了：${message}`,
  thisBrowser: '此浏览器',
  checking: '正在检查会话…',
  signedInAs: (name, corp) => `已登录：${name}（${corp}）`,
  localUser: '本地用户 ID',
  signedInHint:
    '点击你名字旁的“离职”：模拟器通过 Stream 模式发送 user_leave_org，服务端将你标记为离职并吊销你的所有会话；此面板每秒请求一次 GET /session，随即显示你已退出登录。',
  endedBecauseLeft: (name, corp, when) =>
    `你的会话已结束：${name} 已离开${corp}（${when}）。服务端吊销了其所有会话，GET /session 返回 401。`,
  endedOtherwise: '你的会话已结束：已退出、过期或被吊销。',
  endedFix: '点击“重新入职”恢复其成员身份；在此之前，新的登录会返回 not_corp_member。',
  backInCorp: (name) => `${name} 已重新入职。请再次登录：绑定关系仍在，你还是同一个本地用户。`,
  signInAgain: '再次登录',
  notSignedIn: '此浏览器尚未登录。',
  signIn: '去登录',
  signInHint: '，再回到这里：树中会标出你。',
}

/** The directory page's texts in the demo's language (the header's selector, `?lang=zh-CN`). */
export function directoryTexts(locale: DingTalkLocale): DirectoryTexts {
  return locale === 'zh-CN' ? zhCN : en
}
