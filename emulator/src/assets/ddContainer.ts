/** Where the container shim pretends to run. */
export type ContainerPlatform = 'ios' | 'android'

/** Parameters of `/__emulator/dd-container.js`. */
export interface ContainerShimConfig {
  emulatorOrigin: string
  platform: ContainerPlatform
  /** The org the DingTalk client is in (the `$CORPID$` of the workbench). */
  corpId: string
  /** The signed-in user's userid in that org. */
  userid: string
  /** Default clientId when the page calls the old API without one. */
  clientId: string | undefined
  /** DingTalk client version in the user agent. */
  version: string
  resultKeys: 'code' | 'both'
  errorCode: string
}

/** User agents of real clients (protocol Appendix A.7), with the client version substituted. */
function userAgent(platform: ContainerPlatform, version: string): string {
  return platform === 'ios'
    ? `Mozilla/5.0 (iPhone; CPU iPhone OS 26_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/23E246 AliApp(DingTalk/${version}) com.laiwang.DingTalk/46766536 Channel/201200 language/zh-Hans-CN UT4Aplus/0.0.6 WK`
    : `Mozilla/5.0 (Linux; Android 11; Pixel 4 XL Build/RQ3A.210705.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/83.0.4103.106 Mobile Safari/537.36 AliApp(DingTalk/${version}) com.alibaba.android.rimet/13534898 Channel/212200 language/zh-CN UT4Aplus/0.2.25 colorScheme/light`
}

/**
 * Source of the container shim: loaded before `dingtalk-jsapi` in an ordinary browser, it makes the real jsapi
 * believe it runs inside DingTalk (user agent + the iOS `WebViewJavascriptBridge` or the Android `nuva` bridge)
 * and answers `runtime.permission.requestAuthCode` / `requestAuthCodeV2` with free-login codes minted by the
 * emulator (`POST /__emulator/free-login-code`), so codes stay server-tracked and single use.
 */
export function ddContainerScript(config: ContainerShimConfig): string {
  const settings = {
    endpoint: `${config.emulatorOrigin}/__emulator/free-login-code`,
    platform: config.platform,
    corpId: config.corpId,
    userid: config.userid,
    clientId: config.clientId,
    resultKeys: config.resultKeys,
    errorCode: config.errorCode,
    userAgent: userAgent(config.platform, config.version),
  }
  return `/* dingtalk-emulator container shim (${config.platform}) */
(function () {
  var cfg = ${JSON.stringify(settings).replace(/</g, '\\u003c')};
  Object.defineProperty(navigator, 'userAgent', { configurable: true, get: function () { return cfg.userAgent; } });
  window.__dingtalkEmulatorContainer = { platform: cfg.platform, corpId: cfg.corpId, userid: cfg.userid, clientId: cfg.clientId };

  var AUTH_METHODS = { 'runtime.permission.requestAuthCode': true, 'runtime.permission.requestAuthCodeV2': true };

  function requestCode(params) {
    params = params || {};
    var body = {
      corpId: params.corpId || cfg.corpId,
      userid: cfg.userid,
      userCorpId: cfg.corpId,
      clientId: params.clientId || cfg.clientId
    };
    return fetch(cfg.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok || !data.code) {
          var message = data && data.error && data.error.message ? data.error.message : 'requestAuthCode failed';
          throw { errorCode: cfg.errorCode, errorMessage: message };
        }
        return cfg.resultKeys === 'both' ? { code: data.code, authCode: data.code } : { code: data.code };
      });
    }, function () {
      throw { errorCode: cfg.errorCode, errorMessage: 'network error' };
    });
  }

  function invoke(method, params, ok, fail) {
    if (!AUTH_METHODS[method]) {
      fail({ errorCode: '1', errorMessage: 'API ' + method + ' does not exist in the emulated container' });
      return;
    }
    requestCode(params).then(ok, function (error) {
      fail(error && error.errorCode ? error : { errorCode: cfg.errorCode, errorMessage: String(error) });
    });
  }

  if (cfg.platform === 'ios') {
    window.WebViewJavascriptBridge = {
      init: function () {},
      registerHandler: function () {},
      callHandler: function (method, params, callback) {
        invoke(method, params, function (result) {
          callback({ errorCode: '0', result: result });
        }, function (error) {
          callback(error);
        });
      }
    };
  } else {
    window.nuva = {
      isReady: true,
      require: function () {
        return function (ok, fail, service, action, params) {
          invoke(service + '.' + action, params, ok, fail);
        };
      }
    };
  }
})();
`
}
