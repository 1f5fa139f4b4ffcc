import type { Reply } from '../http/Reply'
import { htmlReply } from '../http/Reply'
import { inlineJson } from './loginPages'

/**
 * `/__emulator/phone`: the phone that "scans" QR codes. Lists pending QR sessions (polling the test API), lets you
 * pick the user and their org, then scan, confirm or refuse.
 */
export function phonePage(sessionId: string | null): Reply {
  const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>钉钉模拟手机</title>
<style>
  body { font-family: -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; background: #f2f3f5; color: #171a1d; }
  header { background: #1677ff; color: #fff; padding: 12px 16px; font-size: 17px; }
  section { background: #fff; margin: 12px; padding: 12px; border-radius: 8px; }
  label { display: block; font-size: 13px; color: #747677; margin-bottom: 4px; }
  select { width: 100%; font-size: 15px; padding: 6px; }
  li { list-style: none; border-top: 1px solid #eee; padding: 10px 0; }
  li[data-highlight="true"] { background: #e8f3ff; }
  ul { margin: 0; padding: 0; }
  button { font-size: 14px; margin: 6px 6px 0 0; padding: 6px 12px; border-radius: 6px; border: 1px solid #1677ff; background: #fff; color: #1677ff; }
  button.primary { background: #1677ff; color: #fff; }
  button.danger { border-color: #d32f2f; color: #d32f2f; }
  .meta { font-size: 12px; color: #747677; word-break: break-all; }
  #log { font-size: 13px; white-space: pre-wrap; }
</style>
</head>
<body>
<header>钉钉模拟手机（dingtalk-emulator）</header>
<section>
  <label for="user">登录用户</label>
  <select id="user" name="user"></select>
  <label for="corp" style="margin-top:8px">组织（scope 含 corpid 时使用）</label>
  <select id="corp" name="corp"></select>
</section>
<section>
  <label>待扫码的二维码</label>
  <ul id="sessions"><li class="meta">暂无</li></ul>
</section>
<section><div id="log" role="status"></div></section>
<script>
(function () {
  var highlight = ${inlineJson(sessionId)};
  var users = [];
  var userSelect = document.getElementById('user');
  var corpSelect = document.getElementById('corp');
  var list = document.getElementById('sessions');
  var log = document.getElementById('log');
  var lastRender = '';

  function option(value, text) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    return o;
  }
  function fillCorps() {
    var user = users.filter(function (u) { return u.unionId === userSelect.value; })[0];
    corpSelect.innerHTML = '';
    corpSelect.appendChild(option('', '默认'));
    (user ? user.memberships : []).forEach(function (m) {
      corpSelect.appendChild(option(m.corpId, m.corpName + '（' + m.userid + '）'));
    });
  }
  // The organisation changes while the page is open (hires, leaves): reload the people now and then, keeping the
  // chosen person and org selected.
  function loadUsers() {
    return fetch('/__emulator/fixture', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (fixture) {
      var corpNames = {};
      fixture.corps.forEach(function (c) { corpNames[c.corpId] = c.name; });
      users = fixture.users.map(function (u) {
        return {
          unionId: u.unionId,
          nick: u.nick,
          memberships: u.memberships.map(function (m) { return { corpId: m.corpId, userid: m.userid, corpName: corpNames[m.corpId] || m.corpId }; })
        };
      });
      var chosenUser = userSelect.value;
      var chosenCorp = corpSelect.value;
      userSelect.innerHTML = '';
      users.forEach(function (u) {
        var where = u.memberships.map(function (m) { return m.corpName; }).join('、') || '无组织';
        userSelect.appendChild(option(u.unionId, u.nick + ' · ' + where));
      });
      if (chosenUser && users.some(function (u) { return u.unionId === chosenUser; })) userSelect.value = chosenUser;
      fillCorps();
      if (chosenCorp && Array.prototype.some.call(corpSelect.options, function (o) { return o.value === chosenCorp; })) corpSelect.value = chosenCorp;
    });
  }
  function usersLoop() { loadUsers().then(function () { setTimeout(usersLoop, 10000); }, function () { setTimeout(usersLoop, 10000); }); }
  usersLoop();
  userSelect.addEventListener('change', fillCorps);

  function act(sessionId, approve) {
    var body = { session: sessionId, unionId: userSelect.value };
    if (corpSelect.value) body.corpId = corpSelect.value;
    if (approve !== undefined) body.approve = approve;
    fetch('/__emulator/scan', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (result) {
        log.textContent = result.error && result.error.code ? '失败：' + result.error.message
          : result.status === 'approved' ? '已确认登录' : result.status === 'refused' ? '已拒绝：' + (result.error ? result.error.errorMsg : '')
          : '已扫码，等待确认';
        refresh();
      });
  }
  function button(text, className, action, handler) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.className = className;
    b.setAttribute('data-action', action);
    b.addEventListener('click', handler);
    return b;
  }
  function render(sessions) {
    var key = JSON.stringify(sessions.map(function (s) { return [s.id, s.status]; }));
    if (key === lastRender) return;
    lastRender = key;
    list.innerHTML = '';
    if (!sessions.length) { list.innerHTML = '<li class="meta">暂无</li>'; return; }
    sessions.forEach(function (s) {
      var li = document.createElement('li');
      li.setAttribute('data-session', s.id);
      li.setAttribute('data-status', s.status);
      li.setAttribute('data-highlight', String(s.id === highlight));
      var title = document.createElement('div');
      title.textContent = (s.appName || s.clientId) + (s.status === 'scanned' ? '（已扫码，待确认）' : '');
      var meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = s.mode + ' · ' + s.scope + ' · ' + s.redirectUri;
      li.appendChild(title);
      li.appendChild(meta);
      li.appendChild(button('扫码', '', 'scan', function () { act(s.id); }));
      li.appendChild(button('确认登录', 'primary', 'approve', function () { act(s.id, true); }));
      li.appendChild(button('拒绝', 'danger', 'refuse', function () { act(s.id, false); }));
      list.appendChild(li);
    });
  }
  function refresh() {
    return fetch('/__emulator/sessions', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (data) { render(data.sessions); });
  }
  function loop() { refresh().then(function () { setTimeout(loop, 500); }, function () { setTimeout(loop, 2000); }); }
  loop();
})();
</script>
</body>
</html>`
  return htmlReply(200, html)
}
