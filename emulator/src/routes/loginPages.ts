import QRCode from 'qrcode'
import type { EmulatorContext } from '../EmulatorContext'
import type { EmulatorRequest } from '../http/EmulatorRequest'
import type { Reply } from '../http/Reply'
import { escapeHtml, htmlReply, redirectReply } from '../http/Reply'
import { approveSession, createLoginSession, findScanUser, validateLoginParams } from '../loginFlow'
import type { QrSession } from '../state/createQrSessionStore'

/** Embeds JSON in an inline script without letting `</script>` end it. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

function page(title: string, body: string, state: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  html, body { margin: 0; padding: 0; font-family: -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #171a1d; background: #fff; }
  main { display: flex; flex-direction: column; align-items: center; justify-content: center; min-height: 100vh; box-sizing: border-box; padding: 8px; text-align: center; }
  img.qr { width: 70%; max-width: 220px; image-rendering: pixelated; }
  [data-state="scanned"] img.qr, [data-state="expired"] img.qr, [data-state="approved"] img.qr, [data-state="refused"] img.qr { opacity: .15; }
  p { margin: 6px 0; font-size: 14px; }
  .hint { color: #747677; font-size: 12px; }
  .error { color: #d32f2f; }
</style>
</head>
<body data-state="${escapeHtml(state)}">
<main>
${body}
</main>
</body>
</html>`
}

function errorPage(ctx: EmulatorContext, message: string): Reply {
  return htmlReply(
    ctx.options.loginPageErrorStatus,
    page('钉钉登录 - 错误', `<p class="error" id="status" role="alert">${escapeHtml(message)}</p>`, 'error'),
  )
}

async function qrPage(ctx: EmulatorContext, req: EmulatorRequest, session: QrSession): Promise<Reply> {
  const phoneUrl = `${req.baseUrl}/__emulator/phone?session=${session.id}`
  const qr = await QRCode.toDataURL(phoneUrl, { margin: 1, width: 220, errorCorrectionLevel: 'M' })
  const app = ctx.index.findApp(session.clientId)
  const targetOrigin = ctx.options.iframeTargetOrigin === '*' ? '*' : new URL(session.redirectUri).origin
  const config = {
    sessionId: session.id,
    mode: session.mode,
    targetOrigin,
    statusMessages: ctx.options.iframeStatusMessages,
    pollMs: 250,
  }
  const body = `<img class="qr" id="qr" alt="钉钉登录二维码" src="${qr}" data-session="${session.id}">
<p id="status" role="status">请使用钉钉扫描二维码登录</p>
<p class="hint">${escapeHtml(app?.name ?? '')} · <a href="${escapeHtml(phoneUrl)}" target="_blank" rel="noopener">在模拟手机上扫码</a></p>
<script>
(function () {
  var cfg = ${inlineJson(config)};
  var texts = { scanned: '扫描成功，请在手机上确认登录', approved: '登录成功', expired: '二维码已失效，正在刷新' };
  var lastStatus = 'pending';
  function post(message) {
    if (cfg.mode === 'iframe' && window.parent !== window) window.parent.postMessage(message, cfg.targetOrigin);
  }
  function show(state, text) {
    document.body.setAttribute('data-state', state);
    document.getElementById('status').textContent = text;
  }
  // DingTalk's iframe also posts status messages without success; ddlogin.js hands them to errorCbk(undefined).
  if (cfg.statusMessages) post({ type: 'status', status: 'pending' });
  function poll() {
    fetch('/__emulator/sessions/' + cfg.sessionId, { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status !== lastStatus && cfg.statusMessages && s.status === 'scanned') post({ type: 'status', status: 'scanned' });
        lastStatus = s.status;
        if (s.status === 'scanned') show('scanned', texts.scanned);
        if (s.status === 'approved') {
          show('approved', texts.approved);
          if (cfg.mode === 'iframe') post({ success: true, redirectUrl: s.redirectUrl });
          else window.location.replace(s.redirectUrl);
          return;
        }
        if (s.status === 'refused') {
          show('refused', s.error.errorMsg);
          if (cfg.mode === 'iframe') post({ success: false, errorMsg: s.error.errorMsg, errorCode: s.error.errorCode });
          else window.location.replace(s.redirectUrl);
          return;
        }
        if (s.status === 'expired') {
          show('expired', texts.expired);
          setTimeout(function () { window.location.reload(); }, 500);
          return;
        }
        setTimeout(poll, cfg.pollMs);
      })
      .catch(function () { setTimeout(poll, cfg.pollMs * 4); });
  }
  poll();
})();
</script>`
  return htmlReply(200, page('钉钉登录', body, session.status), {
    // The page is meant to be framed by any integrator's page.
    'content-security-policy': 'frame-ancestors *',
  })
}

/** `GET /oauth2/auth` (and `/oauth2/challenge.htm`): the login page, full page or `iframe=true` for DTFrameLogin. */
export async function handleLoginPage(ctx: EmulatorContext, req: EmulatorRequest): Promise<Reply> {
  const params = validateLoginParams(ctx, req.query)
  if (typeof params === 'string') return errorPage(ctx, params)
  const session = createLoginSession(ctx, params)
  const auto = ctx.options.autoLogin
  if (auto) {
    const user = findScanUser(ctx, auto, [params.corpId, params.app.corpId])
    if (!user) return errorPage(ctx, 'autoLogin: 用户不存在')
    approveSession(ctx, session, user, auto.corpId)
    if (params.mode === 'page' && session.redirectUrl) return redirectReply(session.redirectUrl)
  }
  return qrPage(ctx, req, session)
}
