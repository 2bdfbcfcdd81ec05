// Herald BLF panel: operators' phone states live, over the WebSocket topic `blf` (see docs/blf.md).
import { Herald } from '../herald.js';

const $ = (id) => document.getElementById(id);
const STORE_KEY = 'herald-blf-token';
const LABELS = {
  idle: 'Free', inuse: 'On a call', busy: 'Busy', ringing: 'Ringing', inuse_ringing: 'On a call, ringing',
  onhold: 'On hold', inuse_onhold: 'On a call, hold', unavailable: 'Unavailable', unknown: 'Unknown',
};
const NO_GROUP = 'Other';

const extensions = new Map(); // "pbx/context/exten" -> extension (API shape)
const pbxs = new Map();       // id -> {id, connected, since, error}
let herald = null;
let hubUp = false;

const keyOf = (e) => e.pbx + '/' + e.context + '/' + e.exten;

function token() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) {
    sessionStorage.setItem(STORE_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search); // keep the token out of the address bar
  }
  return sessionStorage.getItem(STORE_KEY);
}

function start(t) {
  if (herald) herald.close();
  $('signin').hidden = true;
  $('signin-error').textContent = '';
  herald = new Herald({ token: t, autoConnect: false });
  herald.setDefaultHandler(null); // a wall screen shows states, not notification toasts
  herald.on('state', (s) => {
    $('status').dataset.state = s;
    $('status').textContent = { connected: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', stopped: 'Disconnected' }[s] || s;
    hubUp = s === 'connected';
    renderBanner();
  });
  herald.on('stopped', (s) => {
    if (s.code >= 4500) {
      sessionStorage.removeItem(STORE_KEY);
      showSignin('Herald refused the token: ' + (s.message || s.reason || s.code));
    }
  });
  herald.on('event:blf', applyEvent);
  herald.on('subscribed:blf', loadSnapshot);
  herald.connect();
  herald.subscribe('blf').then(loadSnapshot, (e) => showSignin('The token cannot read the panel: ' + (e.message || e.code)
    + '. It needs "topics": ["blf"].'));
}

function showSignin(message) {
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  if (herald) herald.close();
}

function loadSnapshot(snapshot) {
  if (!snapshot || !snapshot.extensions) return;
  extensions.clear();
  for (const e of snapshot.extensions) extensions.set(keyOf(e), e);
  pbxs.clear();
  for (const p of snapshot.pbxs || []) pbxs.set(p.id, p);
  render();
}

/**
 * A state change replaces just its tile when it stays in its group and passes the filters; anything else (a new or
 * removed extension, a changed group) redraws the panel once per animation frame however many events came.
 */
function applyEvent(data) {
  if (data.kind === 'pbx') {
    pbxs.set(data.pbx.id, data.pbx);
    renderBanner();
    return;
  }
  if (data.kind === 'removed') {
    for (const e of data.extensions) extensions.delete(keyOf(e));
    renderSoon();
    return;
  }
  if (data.kind !== 'state') return;
  for (const e of data.extensions) {
    const old = extensions.get(keyOf(e));
    extensions.set(keyOf(e), e);
    const el = old && (old.group || NO_GROUP) === (e.group || NO_GROUP) && (old.name || '') === (e.name || '') ? tileOf(e) : null;
    if (el && !filteredOut(e)) {
      el.replaceWith(tile(e));
      countsDirty = true;
    } else {
      renderSoon();
    }
  }
  if (countsDirty) renderCountsSoon();
}

function tileOf(e) {
  return document.querySelector('.tile[data-pbx="' + CSS.escape(e.pbx) + '"][data-context="' + CSS.escape(e.context)
    + '"][data-exten="' + CSS.escape(e.exten) + '"]');
}

function filteredOut(e) {
  const g = $('filter-group').value, st = $('filter-state').value;
  return (g && (e.group || NO_GROUP) !== g) || (st && e.state !== st);
}

let renderPending = false;
let countsDirty = false;
function renderSoon() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => { renderPending = false; render(); });
}

function renderCountsSoon() {
  requestAnimationFrame(() => {
    if (!countsDirty) return;
    countsDirty = false;
    const counts = {};
    for (const e of extensions.values()) counts[e.state] = (counts[e.state] || 0) + 1;
    $('counts').textContent = extensions.size + ' extensions · ' + (counts.idle || 0) + ' free';
    fillSelect($('filter-state'), Object.keys(LABELS).filter((st) => counts[st]), (st) => LABELS[st]);
  });
}

function pbxDown() {
  return [...pbxs.values()].filter((p) => !p.connected);
}

function renderBanner() {
  const down = pbxDown();
  const banner = $('banner');
  let text = '';
  if (!hubUp && herald) text = 'Connection to Herald lost — reconnecting. States shown are the last known.';
  else if (down.length) text = 'PBX disconnected: ' + down.map((p) => p.id + (p.error ? ' (' + p.error + ')' : '')).join(', ')
    + '. States shown are the last known.';
  banner.textContent = text;
  banner.hidden = !text;
  document.body.classList.toggle('stale', Boolean(text));
}

function render() {
  const groupFilter = $('filter-group').value;
  const stateFilter = $('filter-state').value;
  const groups = new Map();
  const counts = {};
  for (const e of [...extensions.values()].sort(byName)) {
    counts[e.state] = (counts[e.state] || 0) + 1;
    const g = e.group || NO_GROUP;
    if (!groups.has(g)) groups.set(g, []);
    if ((groupFilter && g !== groupFilter) || (stateFilter && e.state !== stateFilter)) continue;
    groups.get(g).push(e);
  }
  fillSelect($('filter-group'), [...groups.keys()].sort(), (g) => g);
  fillSelect($('filter-state'), Object.keys(LABELS).filter((s) => counts[s]), (s) => LABELS[s]);
  const panel = $('panel');
  panel.replaceChildren();
  for (const [name, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (list.length === 0) continue;
    const section = document.createElement('section');
    section.className = 'group';
    section.dataset.group = name;
    const h = document.createElement('h2');
    h.textContent = name + ' · ' + list.length;
    const tiles = document.createElement('div');
    tiles.className = 'tiles';
    for (const e of list) tiles.appendChild(tile(e));
    section.append(h, tiles);
    panel.appendChild(section);
  }
  if (!panel.children.length) {
    const empty = document.createElement('div');
    empty.className = 'empty';
    empty.textContent = extensions.size ? 'Nothing matches the filter.' : 'No extensions yet.';
    panel.appendChild(empty);
  }
  $('counts').textContent = extensions.size + ' extensions · ' + (counts.idle || 0) + ' free';
  renderBanner();
  tick();
}

function tile(e) {
  const el = document.createElement('div');
  el.className = 'tile';
  el.dataset.exten = e.exten;
  el.dataset.context = e.context;
  el.dataset.pbx = e.pbx;
  el.dataset.state = e.state;
  el.dataset.since = e.since;
  el.title = (e.name || e.exten) + ' — ' + e.exten + '@' + e.context + ' (' + e.pbx + ')';
  const name = document.createElement('div');
  name.className = 'name';
  name.textContent = e.name || e.exten;
  const exten = document.createElement('div');
  exten.className = 'exten';
  exten.textContent = e.exten;
  const state = document.createElement('div');
  state.className = 'state';
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = LABELS[e.state] || e.state;
  const timer = document.createElement('span');
  timer.className = 'timer';
  timer.since = Date.parse(e.since); // parsed once, not on every tick
  timer.textContent = elapsed(timer.since, Date.now());
  state.append(label, timer);
  el.append(name, exten, state);
  const queues = e.queues || [];
  if (queues.length) {
    const q = document.createElement('div');
    q.className = 'queues';
    for (const m of queues) {
      const badge = document.createElement('span');
      badge.className = 'queue' + (m.paused ? ' paused' : '');
      badge.textContent = (m.paused ? 'Paused · ' : '') + m.queue;
      q.appendChild(badge);
    }
    el.dataset.paused = String(queues.some((m) => m.paused));
    el.appendChild(q);
  }
  return el;
}

const collator = new Intl.Collator(undefined, { numeric: true });
function byName(a, b) {
  return collator.compare(a.name || a.exten, b.name || b.exten);
}

function fillSelect(select, values, label) {
  const current = select.value;
  const wanted = ['', ...values];
  if (current && !wanted.includes(current)) wanted.push(current);
  const have = [...select.options].map((o) => o.value);
  if (have.join('\n') === wanted.join('\n')) return;
  select.replaceChildren(...wanted.map((v) => new Option(v ? label(v) : 'All', v)));
  select.value = current;
}

/** The live "since the last change" timers: mm:ss, then h:mm:ss. */
function tick() {
  const now = Date.now();
  for (const timer of document.getElementsByClassName('timer')) {
    const text = elapsed(timer.since, now);
    if (timer.textContent !== text) timer.textContent = text;
  }
}

function elapsed(since, now) {
  const s = Math.max(0, Math.floor((now - since) / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(sec).padStart(2, '0');
}

$('filter-group').addEventListener('change', render);
$('filter-state').addEventListener('change', render);
$('signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const t = $('token').value.trim();
  if (!t) return;
  sessionStorage.setItem(STORE_KEY, t);
  start(t);
});
setInterval(tick, 1000);
// a new #token=… in the same tab (only the fragment changes, so the page is not reloaded)
window.addEventListener('hashchange', () => {
  if (!/token=/.test(location.hash)) return;
  const fresh = token();
  if (fresh) start(fresh);
});

const t = token();
if (t) start(t); else showSignin('');
