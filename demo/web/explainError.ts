import type { DingTalkLoginError } from 'react-dingtalk-login'

/** What an error means for the person at the screen, and what to do about it. */
export interface ErrorExplanation {
  title: string
  what: string
  fix: string
}

/**
 * Turns a `DingTalkLoginError` into an explanation: branches on its stable `code` and the server's `serverCode`
 * (never on texts), except that DingTalk's own QR failures only come with DingTalk's message.
 */
export function explainError(error: DingTalkLoginError): ErrorExplanation {
  switch (error.serverCode) {
    case 'invalid_state':
      return {
        title: 'The QR code expired',
        what: 'The login state behind this QR code is older than 10 minutes (or was used already), so the server refused the scanned code. Real DingTalk codes expire the same way when a tab stays open, e.g. while the computer sleeps.',
        fix: 'Press “Try again” for a fresh QR code. The component fetches a new one every 9 minutes on its own while it stays open.',
      }
    case 'not_corp_member':
      return {
        title: 'Not a member of the organisation',
        what: 'DingTalk knows the person, but the organisation does not list them as a member (an external contact, or someone who left).',
        fix: 'Sign in with an account of the organisation, or ask its admin to add you. Your app decides whether outsiders may sign in.',
      }
    case 'corp_mismatch':
      return {
        title: 'Another organisation was chosen',
        what: 'On the phone the person picked an organisation other than the one this login is for.',
        fix: 'Scan again and choose the organisation this page asks for.',
      }
    case 'code_invalid':
      return {
        title: 'The login code is no longer valid',
        what: 'DingTalk codes are single use and live about 5 minutes; this one was expired, used, or unknown.',
        fix: 'Start the login again.',
      }
    case 'unknown_corp':
      return {
        title: 'Unknown organisation',
        what: 'The server has no login instance for this organisation.',
        fix: 'Add an instance for the corpId under auths/loginTypes, or open the app from the right organisation.',
      }
    case 'permission_denied':
      return {
        title: 'The app lacks a DingTalk permission',
        what: 'The DingTalk app is missing a permission the login needs.',
        fix: 'In the DingTalk developer console grant Contact.User.Read and qyapi_get_member, then publish the app again.',
      }
    case undefined:
      break
    default:
      return {
        title: 'The server refused the login',
        what: `The server answered “${error.serverCode}”.`,
        fix: 'See the error table in the README for what to do about this code.',
      }
  }
  switch (error.code) {
    case 'auth-code-failed':
      if (/取消|cancel|refus|拒绝/i.test(error.message)) {
        return {
          title: 'The scan was refused',
          what: 'The person pressed “refuse” (拒绝) on the phone, so DingTalk gave no login code.',
          fix: 'Press “Try again” and confirm on the phone this time.',
        }
      }
      if (/不在组织|not in|member/i.test(error.message)) {
        return {
          title: 'Not in the organisation',
          what: 'DingTalk itself refused: the person is in none of the organisations this app belongs to.',
          fix: 'Sign in with an account of the organisation, or ask its admin to add you.',
        }
      }
      return {
        title: 'DingTalk gave no login code',
        what: 'The DingTalk client or the QR page reported a failure, e.g. the person is not in the organisation the page was opened in.',
        fix: 'Sign in with the QR code below, or open the app from the organisation’s workbench in DingTalk and reload the page.',
      }
    case 'state-mismatch':
      return {
        title: 'The QR code belongs to another login',
        what: 'The code came back with a state this page did not ask for.',
        fix: 'Press “Try again” for a fresh QR code.',
      }
    case 'timeout':
      return {
        title: 'DingTalk did not answer in time',
        what: 'The DingTalk client gave no free-login code within the timeout.',
        fix: 'Try again, or sign in with the QR code.',
      }
    case 'sdk-load-failed':
      return {
        title: 'The DingTalk script did not load',
        what: 'ddlogin.js or dingtalk-jsapi could not be loaded (network, CSP, or an ad blocker).',
        fix: 'Check the network and the Content-Security-Policy (script-src, frame-src), then try again.',
      }
    case 'environment':
      return {
        title: 'DingTalk login is not available here',
        what: 'The flow needs a browser or the DingTalk client, or the page was opened without a corpId.',
        fix: 'Open the app with ?corpId=$CORPID$ as its homepage in the DingTalk console.',
      }
    default:
      return {
        title: 'Sign-in failed',
        what: 'The server could not be reached or answered an error.',
        fix: 'Try again later; the server log has the details.',
      }
  }
}
