import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { scriptReply } from '../http/Reply'

/** Where the container shim pretends to run. */
export type ContainerPlatform = 'ios' | 'android' | 'pc' | 'harmony'

const PLATFORMS: readonly ContainerPlatform[] = ['ios', 'android', 'pc', 'harmony']

/** Parameters of `/__emulator/dd-container.js`. */
export interface ContainerShimConfig {
  emulatorOrigin: string
  platform: ContainerPlatform
  /** The org the DingTalk client is in (the `$CORPID$` of the workbench). */
  corpId: string
  /** The signed-in person's userid, in `userCorpId`. */
  userid: string
  /** The corp `userid` belongs to, when it is not `corpId`. @default corpId */
  userCorpId: string
  /** Default clientId when the page calls the old API without one. */
  clientId: string | undefined
  /** DingTalk client version in the user agent (and the PC client's `hostVersion`). */
  version: string
  resultKeys: 'code' | 'both'
  errorCode: string
  /**
   * A setup mistake found at load (unknown person, not a member, missing parameter): the container still loads,
   * so the page knows it is inside DingTalk, and every `requestAuthCode` fails with `errorCode` and this message.
   */
  problem: string | undefined
}

/**
 * The PC client's host frame is on a `*.dingtalk.com` origin: dingtalk-jsapi's frame-talk client only talks to a
 * `hostOrigin` ending in `.dingtalk.com` (or `7ding.ai`) and only accepts answers from exactly that origin.
 */
export const PC_HOST_ORIGIN = 'https://h5.dingtalk.com'

/** User agents of real clients (protocol Appendix A.7 and organisation doc §7), with the client version substituted. */
function userAgent(platform: ContainerPlatform, version: string): string {
  switch (platform) {
    case 'ios':
      return `Mozilla/5.0 (iPhone; CPU iPhone OS 26_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/23E246 AliApp(DingTalk/${version}) com.laiwang.DingTalk/46766536 Channel/201200 language/zh-Hans-CN UT4Aplus/0.0.6 WK`
    case 'android':
      return `Mozilla/5.0 (Linux; Android 11; Pixel 4 XL Build/RQ3A.210705.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/83.0.4103.106 Mobile Safari/537.36 AliApp(DingTalk/${version}) com.alibaba.android.rimet/13534898 Channel/212200 language/zh-CN UT4Aplus/0.2.25 colorScheme/light`
    case 'harmony':
      // jsapi ≥ 3.0.45: OpenHarmony + ArkWeb + the DingTalk marker (no "Android": it would win the detection).
      return `Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile AliApp(DingTalk/${version}) com.dingtalk.hmos/${version} Channel/201200 language/zh-Hans-CN`
    case 'pc':
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 DingTalk(${version}) nw Channel/201200 language/zh-CN`
  }
}

/**
 * Source of the container shim: loaded before `dingtalk-jsapi` in an ordinary browser, it makes the real jsapi
 * believe it runs inside DingTalk (user agent + the platform's bridge: iOS `WebViewJavascriptBridge`, Android
 * `nuva`, HarmonyOS `DingTalkJSBridge`, or the PC client's frame-talk channel) and answers
 * `runtime.permission.requestAuthCode` / `requestAuthCodeV2` with free-login codes minted by the emulator
 * (`POST /__emulator/free-login-code`), so codes stay server-tracked and single use.
 */
export function ddContainerScript(config: ContainerShimConfig): string {
  const settings = {
    endpoint: `${config.emulatorOrigin}/__emulator/free-login-code`,
    platform: config.platform,
    corpId: config.corpId,
    userid: config.userid,
    userCorpId: config.userCorpId,
    clientId: config.clientId,
    resultKeys: config.resultKeys,
    errorCode: config.errorCode,
    problem: config.problem,
    userAgent: userAgent(config.platform, config.version),
    version: config.version,
    hostOrigin: PC_HOST_ORIGIN,
    containerId: `emulator-${config.platform}-${config.userid}`,
  }
  return `/* dingtalk-emulator container shim (${config.platform}) */
(function () {
  var cfg = ${JSON.stringify(settings).replace(/</g, '\\u003c')};
  Object.defineProperty(navigator, 'userAgent', { configurable: true, get: function () { return cfg.userAgent; } });
  window.__dingtalkEmulatorContainer = { platform: cfg.platform, corpId: cfg.corpId, userid: cfg.userid, userCorpId: cfg.userCorpId, clientId: cfg.clientId, problem: cfg.problem };
  if (cfg.problem) console.warn('[dingtalk-emulator] dd-container.js: ' + cfg.problem + ' (requestAuthCode will fail with errorCode ' + cfg.errorCode + ')');

  var AUTH_METHODS = { 'runtime.permission.requestAuthCode': true, 'runtime.permission.requestAuthCodeV2': true };

  function failure(message) {
    return { errorCode: cfg.errorCode, errorMessage: message };
  }

  function requestCode(params) {
    params = params || {};
    if (cfg.problem) return Promise.reject(failure(cfg.problem));
    var body = {
      corpId: params.corpId || cfg.corpId,
      userid: cfg.userid,
      userCorpId: cfg.userCorpId,
      clientId: params.clientId || cfg.clientId
    };
    return fetch(cfg.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok || !data.code) {
          throw failure(data && data.error && data.error.message ? data.error.message : 'requestAuthCode failed');
        }
        return cfg.resultKeys === 'both' ? { code: data.code, authCode: data.code } : { code: data.code };
      });
    }, function () {
      throw failure('network error');
    });
  }

  function invoke(method, params, ok, fail) {
    if (!AUTH_METHODS[method]) {
      fail({ errorCode: '1', errorMessage: 'API ' + method + ' does not exist in the emulated container' });
      return;
    }
    requestCode(params).then(ok, function (error) {
      fail(error && error.errorCode ? error : failure(String(error)));
    });
  }

  if (cfg.platform === 'ios') {
    window.WebViewJavascriptBridge = {
      init: function () {},
      registerHandler: function () {},
      callHandler: function (method, params, callback) {
        invoke(method, params, function (result) {
          callback({ errorCode: '0', result: result });
        }, callback);
      }
    };
  } else if (cfg.platform === 'android') {
    window.nuva = {
      isReady: true,
      require: function () {
        return function (ok, fail, service, action, params) {
          invoke(service + '.' + action, params, ok, fail);
        };
      }
    };
  } else if (cfg.platform === 'harmony') {
    // jsapi's h5Harmony bridge: init(), then call(method, params, cb) with cb({ success, body }).
    window.DingTalkJSBridge = {
      init: function () {},
      call: function (method, params, callback) {
        invoke(method, params, function (result) {
          callback({ success: true, body: result });
        }, function (error) {
          callback({ success: false, body: error });
        });
      }
    };
    document.dispatchEvent(new Event('DingTalkJSBridgeReady'));
  } else {
    // The PC client: jsapi's frame-talk client reads { containerId, hostOrigin, hostVersion } from window.name and,
    // with window.dingtalk.platform.invokeAPI present, posts { type: 'request', msgId, containerId, methodName, body }
    // towards hostOrigin; the host answers { type: 'response', msgId, success, body } from that origin. The shim
    // plays the host: it takes the request and answers with a message event from hostOrigin.
    window.name = JSON.stringify({ containerId: cfg.containerId, hostOrigin: cfg.hostOrigin, hostVersion: cfg.version, language: 'zh-CN', corsIframe: true });
    var answer = function (msgId, success, body) {
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'response', msgId: msgId, success: success, body: body }, origin: cfg.hostOrigin, source: window }));
    };
    var postMessage = window.postMessage.bind(window);
    window.postMessage = function (message, targetOrigin) {
      if (message && message.type === 'request' && message.containerId === cfg.containerId && targetOrigin === cfg.hostOrigin) {
        invoke(message.methodName, message.body, function (result) {
          answer(message.msgId, true, result);
        }, function (error) {
          answer(message.msgId, false, error);
        });
        return;
      }
      return postMessage.apply(null, arguments);
    };
    window.dingtalk = { platform: { invokeAPI: function (methodName, params) {
      return new Promise(function (resolve, reject) { invoke(methodName, params, resolve, reject); });
    } } };
  }
})();
`
}

const isPlatform = (value: string): value is ContainerPlatform =>
  (PLATFORMS as readonly string[]).includes(value)

/**
 * `GET /__emulator/dd-container.js?corpId=…&userid=…[&userCorpId=…][&platform=…][&clientId=…][&version=…]`. A
 * mistake in the person or the corps never stops the script: the page still finds itself inside DingTalk and
 * `requestAuthCode` fails with the reason (as a client signed in with someone else would).
 */
export function containerScriptReply(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const platform = req.query.get('platform') ?? 'ios'
  if (!isPlatform(platform)) {
    const message = `[dingtalk-emulator] dd-container.js: platform must be one of ${PLATFORMS.join(', ')}, got ${platform}`
    return scriptReply(`console.error(${JSON.stringify(message).replace(/</g, '\\u003c')});\n`)
  }
  const corpId = req.query.get('corpId') ?? ''
  const userid = req.query.get('userid') ?? ''
  const userCorpId = req.query.get('userCorpId') || corpId
  const person = userid ? ctx.index.findMember(userCorpId, userid) : undefined
  const problem = !corpId
    ? 'corpId is required (the corp the DingTalk client is in)'
    : !userid
      ? 'userid is required (the signed-in person)'
      : !ctx.index.findCorp(corpId)
        ? `no corp ${corpId}`
        : !person
          ? `no user ${userid} in ${userCorpId}` +
            (userCorpId === corpId ? ' (pass userCorpId when the person’s userid is of another corp)' : '')
          : !ctx.index.membershipOf(person.user, corpId)
            ? `${person.user.nick} is not a member of ${corpId}`
            : undefined
  return scriptReply(
    ddContainerScript({
      emulatorOrigin: req.baseUrl,
      platform,
      corpId,
      userid,
      userCorpId,
      clientId: req.query.get('clientId') ?? undefined,
      version: req.query.get('version') ?? '7.6.0',
      resultKeys: ctx.options.containerResultKeys,
      errorCode: ctx.options.containerErrorCode,
      problem,
    }),
  )
}
