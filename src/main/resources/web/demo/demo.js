// The demo page: sign in with a client token, connection state, toasts, the inbox, an activity log.
import { Herald } from '../herald.js';

const $ = (id) => document.getElementById(id);
const STORE_KEY = 'herald-demo-token';
let herald = null;

function log(text) {
  const li = document.createElement('li');
  const time = document.createElement('span');
  time.textContent = new Date().toLocaleTimeString();
  li.append(time, document.createTextNode(text));
  $('log').prepend(li);
  while ($('log').children.length > 100) $('log').lastElementChild.remove();
}

function setStatus(state, text) {
  const pill = $('status');
  pill.dataset.state = state;
  pill.textContent = text;
}

async function renderPush() {
  const button = $('push');
  if (!herald) { button.hidden = true; return; }
  const state = await herald.pushState().catch(() => 'unsupported');
  button.hidden = false;
  button.dataset.state = state;
  button.disabled = state === 'unsupported' || state === 'denied';
  button.textContent = { subscribed: 'Disable notifications', denied: 'Notifications blocked',
    unsupported: 'Notifications unavailable' }[state] || 'Enable notifications';
}

function showSignedIn(on) {
  $('signin').hidden = on;
  $('app').hidden = !on;
  $('signout').hidden = !on;
  if (!on) $('who').textContent = '';
}

async function renderInbox() {
  if (!herald) return;
  let page;
  try {
    page = await herald.inbox.list({ limit: 20 });
  } catch (e) {
    log('inbox: ' + e.message);
    return;
  }
  const list = $('inbox-list');
  list.replaceChildren();
  for (const item of page.items) {
    const li = document.createElement('li');
    li.className = item.read_at ? 'read' : 'unread';
    li.dataset.id = item.id;
    const dot = document.createElement('span');
    dot.className = 'dot';
    const body = document.createElement('div');
    body.className = 'body';
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = item.title || item.type;
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = item.text || '';
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = new Date(item.created_at).toLocaleString() + ' · ' + item.type;
    body.append(title, text, meta);
    const actions = document.createElement('div');
    actions.className = 'actions';
    if (!item.read_at) {
      const read = document.createElement('button');
      read.type = 'button';
      read.className = 'small mark-read';
      read.textContent = 'Mark read';
      read.onclick = () => herald.inbox.markRead(item.id).then(renderInbox, (e) => log('mark read: ' + e.message));
      actions.append(read);
    }
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'small delete';
    del.textContent = 'Delete';
    del.onclick = () => herald.inbox.remove(item.id).then(renderInbox, (e) => log('delete: ' + e.message));
    actions.append(del);
    li.append(dot, body, actions);
    list.append(li);
  }
  $('inbox-empty').hidden = page.items.length > 0;
}

function start(token) {
  if (herald) herald.close();
  $('signin-error').textContent = '';
  herald = new Herald({ token });
  window.demoHerald = herald; // for the console

  herald.on('state', (s) => {
    if (s === 'connecting') setStatus(s, 'Connecting…');
    if (s === 'connected') setStatus(s, 'Connected');
  });
  herald.on('connected', (c) => {
    showSignedIn(true);
    $('who').textContent = c.recipient;
    log((c.reconnected ? 'reconnected' : 'connected') + ' as ' + c.recipient + ' (seq ' + c.seq
      + (c.since != null ? ', resumed after ' + c.since : '') + (c.recovered ? '' : ', some notifications could not be replayed') + ')');
    renderInbox();
    herald.resumePush().catch((e) => log('push: ' + e.message)).finally(renderPush);
  });
  herald.on('reconnecting', (r) => {
    setStatus('reconnecting', 'Reconnecting in ' + (r.delay / 1000).toFixed(1) + ' s');
  });
  herald.on('disconnected', (d) => log('disconnected: ' + d.code + (d.reason ? ' ' + d.reason : '')));
  herald.on('stopped', (s) => {
    setStatus('stopped', 'Disconnected');
    if (s.code >= 4500) {
      $('signin-error').textContent = 'Herald refused the token: ' + (s.message || s.reason || s.code);
      sessionStorage.removeItem(STORE_KEY);
      showSignedIn(false);
    }
  });
  herald.on('error', (e) => log('error: ' + (e.code ? e.code + ' — ' + e.message : e.message || e)));
  herald.on('notification', (n, meta) => log('notification #' + meta.seq + ' ' + n.type + ': ' + (n.title || n.text || '')));
  herald.inbox.onUnreadChange((count) => {
    const badge = $('unread-badge');
    badge.textContent = String(count);
    badge.classList.toggle('unread', count > 0);
    renderInbox();
  });
}

$('signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  if ($('remember').checked) sessionStorage.setItem(STORE_KEY, token);
  else sessionStorage.removeItem(STORE_KEY);
  start(token);
});

$('signout').addEventListener('click', () => {
  if (herald) herald.close();
  herald = null;
  sessionStorage.removeItem(STORE_KEY);
  setStatus('idle', 'Signed out');
  showSignedIn(false);
  renderPush();
});

$('push').addEventListener('click', async () => {
  if (!herald) return;
  const button = $('push');
  button.disabled = true;
  try {
    if (button.dataset.state === 'subscribed') {
      await herald.disablePush();
      log('notifications disabled for this browser');
    } else {
      const r = await herald.enablePush();
      log('notifications enabled for this browser (contact ' + r.contact_id + ')');
    }
  } catch (e) {
    log('notifications: ' + (e.code ? e.code + ' — ' : '') + e.message);
  }
  button.disabled = false;
  renderPush();
});

$('mark-all').addEventListener('click', () => {
  if (herald) herald.inbox.markAllRead().then(renderInbox, (e) => log('mark all read: ' + e.message));
});

const remembered = sessionStorage.getItem(STORE_KEY);
if (remembered) {
  $('token').value = remembered;
  start(remembered);
}
