/**
 * Source of the emulator's `ddlogin.js`: the behaviour of DingTalk's
 * `https://g.alicdn.com/dingding/h5-dingtalk-login/0.21.0/ddlogin.js` (protocol §2.2), step for step, except that
 * the iframe points at `loginOrigin` and messages are accepted from it.
 *
 * @param loginOrigin - the emulator's origin, e.g. `http://127.0.0.1:4100`.
 */
export function ddloginScript(loginOrigin: string): string {
  const host = loginOrigin.replace(/^https?:\/\//, '')
  // Like the original, the origin check is an unanchored regex with '.' unescaped.
  return `/* dingtalk-emulator ddlogin.js: DTFrameLogin as in h5-dingtalk-login 0.21.0, pointed at ${loginOrigin} */
(function () {
  var LOGIN_URL = ${JSON.stringify(`${loginOrigin}/oauth2/auth`)};
  var PRE_LOGIN_URL = LOGIN_URL;
  var ORIGIN_PATTERN = new RegExp(${JSON.stringify(host)});

  function readParam(url, name) {
    var match = url.match(new RegExp('[?&]' + name + '=([^&]*)'));
    return match ? match[1] : '';
  }

  window.DTFrameLogin = function (frameParams, loginParams, successCbk, errorCbk) {
    var container = frameParams.id ? document.getElementById(frameParams.id) : null;
    var iframe = document.createElement('iframe');
    var fail = function (message) { if (errorCbk) errorCbk(message); };
    if (!loginParams.client_id || !loginParams.redirect_uri || !loginParams.response_type || !loginParams.scope) {
      fail('Missing parameters');
      return;
    }
    if (!container) {
      fail('Element not found');
      return;
    }
    container.innerHTML = '';
    container.appendChild(iframe);
    if (!iframe.contentWindow.postMessage || !window.addEventListener) {
      fail('Browser not support');
      return;
    }
    var src = (loginParams.isPre ? PRE_LOGIN_URL : LOGIN_URL) + '?iframe=true' +
      '&redirect_uri=' + loginParams.redirect_uri +
      '&response_type=' + loginParams.response_type +
      '&client_id=' + loginParams.client_id +
      '&scope=' + loginParams.scope;
    var optional = ['prompt', 'state', 'org_type', 'corpId', 'exclusiveLogin', 'exclusiveCorpId'];
    for (var i = 0; i < optional.length; i++) {
      if (loginParams[optional[i]]) src += '&' + optional[i] + '=' + loginParams[optional[i]];
    }
    iframe.src = src;
    iframe.width = String(frameParams.width || 300);
    iframe.height = String(frameParams.height || 300);
    iframe.frameBorder = '0';
    iframe.scrolling = 'no';
    window.addEventListener('message', function (event) {
      if (!ORIGIN_PATTERN.test(event.origin) || !event.data) return;
      var data = event.data;
      if (data.success && data.redirectUrl) {
        var authCode = readParam(data.redirectUrl, 'authCode');
        var state = readParam(data.redirectUrl, 'state');
        var error = readParam(data.redirectUrl, 'error');
        if (authCode) successCbk({ redirectUrl: data.redirectUrl, authCode: authCode, state: state });
        else fail(error);
      } else {
        fail(data.errorMsg);
      }
    });
    return iframe;
  };
})();
`
}
