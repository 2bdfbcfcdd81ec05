// Herald operator console: plain ES module over the HTTP API with a server API key (docs/operations.md#console).
const $ = (id) => document.getElementById(id);
const KEY = 'herald-console-key';
const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'expired', 'skipped', 'cancelled'];
let key = sessionStorage.getItem(KEY);
let timer = null;

async function api(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: { Authorization: 'Bearer ' + key, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) {
    const e = new Error((json && json.message) || 'HTTP ' + r.status);
    e.status = r.status;
    throw e;
  }
  return json;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (className) td.className = className;
  return td;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(t.timer);
  t.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

async function refresh() {
  const [stats, failed, commands, gateways, incoming] = await Promise.all([
    api('GET', '/api/v1/stats'),
    api('GET', '/api/v1/deliveries?status=failed&limit=50'),
    api('GET', '/api/v1/commands?limit=20'),
    api('GET', '/api/v1/gateways'),
    api('GET', '/api/v1/incoming?latest=true&limit=20'),
  ]);
  renderGateways(gateways.gateways || []);
  renderIncoming(incoming.messages || []);
  renderQueue(stats.deliveries);
  renderFailed(failed.deliveries || []);
  renderPresence(stats.presence);
  renderCommands(commands.commands || []);
  $('open-blf').hidden = !stats.blf;
}

function renderQueue(byStatus) {
  const channels = [...new Set(Object.values(byStatus).flatMap((m) => Object.keys(m)))].sort();
  const head = $('queue-table').tHead;
  head.replaceChildren();
  const hr = head.insertRow();
  hr.append(cell('Status'), ...channels.map((c) => cell(c)), cell('Total'));
  const body = $('queue-table').tBodies[0];
  body.replaceChildren();
  for (const s of STATUSES) {
    const m = byStatus[s];
    if (!m) continue;
    const tr = body.insertRow();
    tr.dataset.status = s;
    tr.append(cell(s, 'status-' + s), ...channels.map((c) => cell(m[c] || 0, 'num')),
      cell(Object.values(m).reduce((a, b) => a + b, 0), 'num'));
  }
}

function renderFailed(list) {
  const body = $('failed-table').tBodies[0];
  body.replaceChildren();
  $('failed-empty').hidden = list.length > 0;
  for (const d of list) {
    const tr = body.insertRow();
    tr.dataset.delivery = d.id;
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.className = 'small retry';
    retry.textContent = 'Retry';
    retry.onclick = async () => {
      retry.disabled = true;
      try {
        await api('POST', '/api/v1/deliveries/' + encodeURIComponent(d.id) + '/retry');
        toast('Delivery queued again');
        await refresh();
      } catch (e) {
        toast('Retry failed: ' + e.message);
        retry.disabled = false;
      }
    };
    const action = document.createElement('td');
    action.appendChild(retry);
    tr.append(cell(when(d.created_at)), cell(d.to), cell(d.channel), cell(d.attempts, 'num'), cell(d.last_error, 'error'), action);
  }
}

function renderPresence(p) {
  $('connections').textContent = p.connections;
  $('online').replaceChildren(...p.online.map((r) => {
    const li = document.createElement('li');
    li.textContent = r;
    return li;
  }));
}

function renderCommands(list) {
  const body = $('commands-table').tBodies[0];
  body.replaceChildren();
  $('commands-empty').hidden = list.length > 0;
  for (const c of list) {
    const tr = body.insertRow();
    tr.append(cell(when(c.created_at)), cell([c.command, ...c.args].join(' ')), cell(c.to), cell(c.status, 'status-' + c.status),
      cell(c.exit_code));
  }
}

function renderGateways(list) {
  const body = $('gateways-table').tBodies[0];
  body.replaceChildren();
  $('gateways-empty').hidden = list.length > 0;
  for (const g of list) {
    const tr = body.insertRow();
    tr.dataset.gateway = g.id;
    const last = g.last_check;
    const checked = last ? (last.ok ? 'OK' : 'Failed: ' + last.error) + ' (' + when(last.at) + ')' : 'never';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'small check';
    button.textContent = 'Check now';
    button.onclick = async () => {
      button.disabled = true;
      try {
        const r = await api('POST', '/api/v1/gateways/' + encodeURIComponent(g.id) + '/check');
        toast(g.id + ': ' + (r.ok ? 'OK' : r.error));
        await refresh();
      } catch (e) {
        toast('Check failed: ' + e.message);
      }
      button.disabled = false;
    };
    const action = document.createElement('td');
    action.appendChild(button);
    tr.append(cell(g.id + ' (' + g.module + ')'), cell(g.channel), cell(g.provider || 'any'), cell(g.fallback || ''),
      cell(checked, last && !last.ok ? 'error' : ''), action);
  }
}

function renderIncoming(list) {
  const body = $('incoming-table').tBodies[0];
  body.replaceChildren();
  $('incoming-empty').hidden = list.length > 0;
  for (const m of list) {
    const tr = body.insertRow();
    const text = (m.text || '').length > 160 ? m.text.slice(0, 160) + '…' : m.text;
    tr.append(cell(when(m.received_at)), cell(m.from), cell(m.subject), cell(text), cell(m.delivery_id || ''));
  }
}

async function openBlf() {
  const t = await api('POST', '/api/v1/tokens', { recipient: 'console:operator', ttl: '12h', topics: ['blf'] });
  window.open('/blf/#token=' + encodeURIComponent(t.token), '_blank', 'noopener');
}

function show(loggedIn) {
  $('login').hidden = loggedIn;
  $('app').hidden = !loggedIn;
  $('nav').hidden = !loggedIn;
  $('logout').hidden = !loggedIn;
  clearInterval(timer);
  if (loggedIn) timer = setInterval(() => refresh().catch(() => {}), 5000);
}

async function login(candidate) {
  key = candidate;
  try {
    await refresh();
    sessionStorage.setItem(KEY, key);
    show(true);
  } catch (e) {
    key = null;
    sessionStorage.removeItem(KEY);
    show(false);
    $('login-error').textContent = e.status === 401 ? 'That key is not valid.' : 'Herald did not answer: ' + e.message;
  }
}

$('login-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('login-error').textContent = '';
  login($('key').value.trim());
});
$('logout').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  key = null;
  show(false);
});
$('refresh').addEventListener('click', () => refresh().catch((e) => toast(e.message)));
$('open-blf').addEventListener('click', () => openBlf().catch((e) => toast(e.message)));

if (key) login(key); else show(false);
