/*
 * Herald browser client — a plain ES module, no build step, no dependencies.
 *
 *   import { Herald } from '/herald.js';
 *   const herald = Herald.connect({ token, getToken: async () => fetchFreshTokenFromYourBackend() });
 *   herald.on('payment.received', (n, meta) => { ... });
 *
 * Reference: docs/js-client.md. Protocol: the WebSocket section of docs/api.md.
 */

const VERSION = '1.0.0';
const MAX_TOASTS = 5;
/** Sequence numbers received above the watermark that the client keeps track of before it gives up on a gap. */
const MAX_ABOVE = 500;
/** Delivery ids kept in storage so that a new page does not show again what an earlier page showed. */
const STORED_SEEN = 200;

/** Names `on()` treats as client events; every other name is a notification type. */
const EVENT_NAMES = new Set(['connected', 'disconnected', 'reconnecting', 'stopped', 'state', 'error',
    'notification', 'unread', 'token', 'pong']);
const isEventName = (name) => EVENT_NAMES.has(name) || name.startsWith('event:') || name.startsWith('subscribed:');

/** Close codes the server uses (CloseReason.java). */
export const CloseCodes = Object.freeze({
    NORMAL: 1000, SHUTDOWN: 1001, ABNORMAL: 1006,
    CONNECT_TIMEOUT: 4000, TOO_SLOW: 4001, NO_PONG: 4002, TOKEN_EXPIRED: 4003,
    RATE_LIMITED: 4008, TOO_MANY_CONNECTIONS: 4009, UNAUTHORIZED: 4500, EXPIRED_TOKEN: 4501,
});

/** Client-side close code for "the client gave up on a silent connection" (private range). */
const CLIENT_HEARTBEAT_TIMEOUT = 4901;
/** Client-side close code for "reconnecting on purpose" (new token, reset). */
const CLIENT_RECONNECT = 4902;

const DEFAULTS = {
    url: null,              // Herald base URL; default: where this file was loaded from
    token: null,            // client token (JWT)
    getToken: null,         // async (reason) => fresh token | null
    autoConnect: true,
    resume: 'localStorage', // 'localStorage' | 'sessionStorage' | 'memory' — where the last seq is kept
    ack: true,              // ack every notification (marks its delivery `delivered`)
    reAck: 0,               // ms; when > 0, ack once more after this long (belt and braces; the server records every ack)
    toast: true,            // show the default toast for types without a handler
    toastTimeout: 6000,
    toastContainer: null,   // element for toasts; default: a fixed box at the bottom right of <body>
    reconnectBase: 500,     // ms; full-jitter exponential back-off base
    reconnectMax: 30000,    // ms; back-off cap
    heartbeat: 30000,       // ms of silence after which the client pings
    heartbeatTimeout: 10000,// ms to wait for the pong before treating the socket as dead
    framesPerSecond: 10,    // outgoing pacing; the server allows 20/s with bursts of 40 by default
    dedupe: 1000,           // delivery ids remembered to drop duplicates
    WebSocket: null,        // WebSocket implementation (tests, Node)
    fetch: null,            // fetch implementation
    debug: false,
};

// ---------------------------------------------------------------------------------------------------------------
// Global handler registry: shared by every Herald instance on the page, extensible by any script.

const globalHandlers = new Map(); // lower-cased type -> Set<fn>; '*' = every notification
let globalDefault;                 // undefined: the toast; null: nothing; a function: replaces the toast
const instances = new Set();

function keyOf(type) {
    if (typeof type !== 'string' || type === '') throw new TypeError('a notification type must be a non-empty string');
    return type.toLowerCase();
}

function addTo(map, type, fn) {
    if (typeof fn !== 'function') throw new TypeError('a handler must be a function');
    const k = keyOf(type);
    if (!map.has(k)) map.set(k, new Set());
    map.get(k).add(fn);
    return () => { const s = map.get(k); if (s) { s.delete(fn); if (s.size === 0) map.delete(k); } };
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function defaultBaseUrl() {
    try {
        return new URL('.', import.meta.url).href.replace(/\/$/, '');
    } catch (e) {
        return typeof location !== 'undefined' ? location.origin : 'http://127.0.0.1:8080';
    }
}

function wsUrlOf(base) {
    const u = new URL(base.replace(/\/+$/, '') + '/ws');
    u.protocol = u.protocol === 'https:' ? 'wss:' : u.protocol === 'http:' ? 'ws:' : u.protocol;
    return u.href;
}

/** The claims of a JWT, without checking anything (the server checks). */
function claimsOf(token) {
    try {
        const part = String(token).split('.')[1];
        const b64 = part.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((part.length + 3) % 4);
        const bin = atob(b64);
        const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
        return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
        return {};
    }
}

function storageOf(kind) {
    try {
        const s = kind === 'localStorage' ? globalThis.localStorage : kind === 'sessionStorage' ? globalThis.sessionStorage : null;
        if (!s) return null;
        const probe = '__herald_probe__';
        s.setItem(probe, '1');
        s.removeItem(probe);
        return s;
    } catch (e) {
        return null; // private mode, disabled storage, sandboxed iframe
    }
}

/** An error from the HTTP API: `status`, `code` (the API's error word), `message`, `field`. */
export class HeraldError extends Error {
    constructor(status, code, message, field) {
        super(message || code || ('HTTP ' + status));
        this.name = 'HeraldError';
        this.status = status;
        this.code = code;
        this.field = field;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Toasts: plain DOM, inline styles, text only (never innerHTML with server data).

function toastBox(herald) {
    if (herald.options.toastContainer) return herald.options.toastContainer;
    let box = document.getElementById('herald-toasts');
    if (!box) {
        box = document.createElement('div');
        box.id = 'herald-toasts';
        box.setAttribute('aria-live', 'polite');
        Object.assign(box.style, {
            position: 'fixed', right: '16px', bottom: '16px', zIndex: '2147483000', display: 'flex',
            flexDirection: 'column', gap: '8px', alignItems: 'flex-end', maxWidth: 'min(360px, calc(100vw - 32px))',
            pointerEvents: 'none',
        });
        document.body.appendChild(box);
    }
    return box;
}

function showToast(herald, n, meta = {}) {
    if (typeof document === 'undefined' || !document.body) return null;
    const el = document.createElement('div');
    el.className = 'herald-toast';
    el.setAttribute('role', 'status');
    if (n.type) el.dataset.type = n.type;
    if (meta.delivery) el.dataset.delivery = meta.delivery;
    Object.assign(el.style, {
        pointerEvents: 'auto', boxSizing: 'border-box', width: '340px', maxWidth: '100%', padding: '12px 36px 12px 14px',
        position: 'relative', background: '#ffffff', color: '#1f2933', borderRadius: '8px',
        borderLeft: '4px solid ' + (n.priority >= 8 ? '#d64545' : '#3b82f6'),
        boxShadow: '0 6px 24px rgba(15, 23, 42, 0.18)', font: '14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif',
        opacity: '0', transform: 'translateY(8px)', transition: 'opacity .2s ease, transform .2s ease',
    });
    if (n.title) {
        const t = document.createElement('div');
        t.className = 'herald-toast-title';
        t.textContent = String(n.title);
        Object.assign(t.style, { fontWeight: '600', marginBottom: '2px', overflowWrap: 'anywhere' });
        el.appendChild(t);
    }
    if (n.text) {
        const b = document.createElement('div');
        b.className = 'herald-toast-text';
        b.textContent = String(n.text);
        Object.assign(b.style, { whiteSpace: 'pre-line', overflowWrap: 'anywhere', color: '#3e4c59' });
        el.appendChild(b);
    }
    const x = document.createElement('button');
    x.type = 'button';
    x.className = 'herald-toast-close';
    x.setAttribute('aria-label', 'Close');
    x.textContent = '\u00d7';
    Object.assign(x.style, {
        position: 'absolute', top: '6px', right: '8px', border: '0', background: 'transparent', color: '#7b8794',
        font: '18px/1 system-ui, sans-serif', cursor: 'pointer', padding: '2px 4px',
    });
    el.appendChild(x);

    let timer = null;
    const close = () => {
        clearTimeout(timer);
        el.style.opacity = '0';
        el.style.transform = 'translateY(8px)';
        setTimeout(() => el.remove(), 220);
    };
    const arm = () => {
        const ms = meta.timeout ?? herald.options.toastTimeout;
        if (!(ms > 0)) return;
        if (document.visibilityState === 'hidden') {
            // Start counting when the user can see it.
            const onVisible = () => {
                if (document.visibilityState !== 'visible') return;
                document.removeEventListener('visibilitychange', onVisible);
                timer = setTimeout(close, ms);
            };
            document.addEventListener('visibilitychange', onVisible);
            return;
        }
        clearTimeout(timer);
        timer = setTimeout(close, ms);
    };
    x.addEventListener('click', close);
    el.addEventListener('mouseenter', () => clearTimeout(timer));
    el.addEventListener('mouseleave', arm);
    const box = toastBox(herald);
    box.appendChild(el);
    const shown = box.querySelectorAll('.herald-toast');
    for (let i = 0; i < shown.length - MAX_TOASTS; i++) shown[i].remove(); // oldest first
    requestAnimationFrame(() => { el.style.opacity = '1'; el.style.transform = 'none'; });
    arm();
    return { element: el, close };
}

// ---------------------------------------------------------------------------------------------------------------

export class Herald {
    /**
     * @param {object} options see DEFAULTS above and docs/js-client.md
     */
    constructor(options = {}) {
        this.options = { ...DEFAULTS, ...options };
        this.baseUrl = (this.options.url || defaultBaseUrl()).replace(/\/+$/, '');
        this.wsUrl = wsUrlOf(this.baseUrl);
        this.token = this.options.token || null;
        this.recipient = null;
        this.state = 'idle';          // idle | connecting | connected | reconnecting | stopped
        this.lastSeq = null;          // the resume watermark: every notification up to it was received
        this.unread = null;
        this._above = new Set();       // seqs received above the watermark (out of order)

        this._listeners = new Map();   // event name -> Set<fn>
        this._handlers = new Map();    // lower-cased type -> Set<fn>  (this instance only)
        this._default = undefined;     // undefined: use the global default / toast
        this._topics = new Set();
        this._seen = new Set();
        this._pendingAcks = [];
        this._outbox = [];
        this._pings = [];
        this._subs = new Map();        // topic -> [{resolve, reject}]
        this._ws = null;
        this._attempt = 0;
        this._timers = {};
        this._stopped = true;
        this._generation = 0;
        this._unreadRefresh = null;

        this.inbox = new Inbox(this);
        instances.add(this);

        this._onOnline = () => { if (this.state === 'reconnecting') this._reconnectNow(); };
        this._onVisible = () => {
            if (typeof document !== 'undefined' && document.visibilityState === 'visible' && this.state === 'reconnecting') this._reconnectNow();
        };

        if (this.options.autoConnect) queueMicrotask(() => { if (this.state === 'idle') this.connect(); });
    }

    /** Creates a client and connects it. */
    static connect(options = {}) {
        const h = new Herald({ ...options, autoConnect: false });
        h.connect();
        return h;
    }

    // ----- handler registry ------------------------------------------------------------------------------------

    /**
     * Registers a handler for every Herald client on the page (also callable before the module loads, through
     * `(window.Herald = window.Herald || []).push({...})`). Accepts the ABillS form `{TYPE, CALLBACK}`, the form
     * `{type, handler}`, or `(type, fn)`. Returns a function that removes the handler.
     */
    static extend(spec, fn) {
        if (typeof spec === 'string') return addTo(globalHandlers, spec, fn);
        if (!spec || typeof spec !== 'object') throw new TypeError('Herald.extend({TYPE, CALLBACK}) or Herald.extend(type, fn)');
        const type = spec.TYPE ?? spec.type;
        const cb = spec.CALLBACK ?? spec.callback ?? spec.handler;
        return addTo(globalHandlers, type, cb);
    }

    /** Same as extend; makes the pre-load queue `window.Herald = window.Herald || []; Herald.push({...})` work after load too. */
    static push(...specs) {
        for (const s of specs) Herald.extend(s);
        return globalHandlers.size;
    }

    /** Replaces the default handler (the toast) page-wide; `null` means "nothing for unhandled types". */
    static setDefault(fn) {
        globalDefault = fn === null ? null : (typeof fn === 'function' ? fn : undefined);
    }

    /** Whether a handler is registered for `type` (globally, or on any instance when `instance` is omitted). */
    static hasHandler(type, instance) {
        const k = keyOf(type);
        if (globalHandlers.has(k)) return true;
        const list = instance ? [instance] : [...instances];
        return list.some((h) => h._handlers.has(k));
    }

    /** Shows a toast without a client (`{title, text}`). */
    static toast(n, meta) {
        const any = instances.values().next().value;
        return showToast(any || { options: DEFAULTS }, n || {}, meta);
    }

    /**
     * `on(type, fn)`: a handler for notifications of `type` ('*' = every notification), called as
     * `fn(notification, meta)`. `on(event, fn)` for client events: connected, disconnected, reconnecting, stopped,
     * state, error, notification, unread, token, pong, `event:<topic>`, `subscribed:<topic>`.
     * Returns a function that removes the registration.
     */
    on(name, fn) {
        if (isEventName(name)) {
            if (typeof fn !== 'function') throw new TypeError('a listener must be a function');
            if (!this._listeners.has(name)) this._listeners.set(name, new Set());
            this._listeners.get(name).add(fn);
            return () => this.off(name, fn);
        }
        return this.handle(name, fn);
    }

    /** A handler for notification `type`, even when the type has the same name as a client event. */
    handle(type, fn) {
        return addTo(this._handlers, type, fn);
    }

    off(name, fn) {
        const s = this._listeners.get(name);
        if (s) s.delete(fn);
        const h = isEventName(name) ? null : this._handlers.get(keyOf(name));
        if (h) h.delete(fn);
    }

    once(name, fn) {
        const off = this.on(name, (...a) => { off(); fn(...a); });
        return off;
    }

    /** Instance version of Herald.extend (handlers for this client only). */
    extend(spec) {
        const type = spec.TYPE ?? spec.type;
        return this.handle(type, spec.CALLBACK ?? spec.callback ?? spec.handler);
    }

    /** Sets this client's default handler (for types without a handler); `null` = none, no toast. */
    setDefaultHandler(fn) {
        this._default = fn;
    }

    /** Shows the default toast for `{title, text}`. Returns `{element, close}`. */
    toast(n, meta) {
        return showToast(this, n || {}, meta);
    }

    // ----- connection ------------------------------------------------------------------------------------------

    /** Opens the connection (again, after close()). */
    connect() {
        if (!this._stopped && this.state !== 'idle') {
            if (this.state === 'reconnecting' && !this._ws) this._reconnectNow(); // waiting: try now
            return this;
        }
        this._stopped = false;
        if (typeof addEventListener === 'function') {
            addEventListener('online', this._onOnline);
            if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this._onVisible);
        }
        this._open();
        return this;
    }

    /** Closes the connection and stops reconnecting. */
    close() {
        this._stopped = true;
        this._clearTimers();
        if (typeof removeEventListener === 'function') {
            removeEventListener('online', this._onOnline);
            if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this._onVisible);
        }
        const ws = this._ws;
        this._ws = null;
        if (ws) { try { ws.close(1000, 'closed'); } catch (e) { /* already closing */ } }
        this._setState('stopped');
        this._emit('stopped', { code: 1000, reason: 'closed by the page' });
    }

    /** Uses another token from now on (reconnects when the recipient changes or the client was stopped). */
    setToken(token) {
        const before = this._claims().sub;
        this.token = token;
        this._emit('token', token);
        this._scheduleRefresh();
        const after = this._claims().sub;
        if (this._stopped) {
            this.connect();
        } else if (before !== after) {
            this.lastSeq = null;
            this._above.clear();
            this._seen.clear();
            this._pendingAcks = [];
            this._reconnectNow(CLIENT_RECONNECT, 'new recipient');
        }
    }

    /** Subscribes to a topic (re-subscribed after every reconnect). Resolves with the topic's snapshot. */
    subscribe(topic) {
        this._topics.add(topic);
        return new Promise((resolve, reject) => {
            if (!this._subs.has(topic)) this._subs.set(topic, []);
            this._subs.get(topic).push({ resolve, reject });
            if (this.state === 'connected') this._send({ type: 'subscribe', topic });
        });
    }

    unsubscribe(topic) {
        this._topics.delete(topic);
        if (this.state === 'connected') this._send({ type: 'unsubscribe', topic });
    }

    /** Sends a ping; resolves with the round trip in ms (rejects when not connected or no pong within the timeout). */
    ping() {
        if (this.state !== 'connected') return Promise.reject(new Error('not connected'));
        return new Promise((resolve, reject) => {
            const started = performance.now();
            const entry = { resolve: () => resolve(Math.round(performance.now() - started)), reject };
            this._pings.push(entry);
            entry.timer = setTimeout(() => {
                const i = this._pings.indexOf(entry);
                if (i >= 0) this._pings.splice(i, 1);
                reject(new Error('no pong'));
            }, this.options.heartbeatTimeout);
            this._send({ type: 'ping' });
        });
    }

    get connected() {
        return this.state === 'connected';
    }

    // ----- internals: socket lifecycle ---------------------------------------------------------------------------

    async _open() {
        const gen = ++this._generation;
        this._clearTimers();
        this._setState(this._everConnected ? 'reconnecting' : 'connecting');
        if (!this.token && this.options.getToken) {
            await this._refreshToken('missing');
            if (gen !== this._generation || this._stopped) return;
        }
        if (!this.token) {
            this._stop(CloseCodes.UNAUTHORIZED, 'no client token');
            return;
        }
        this._loadSeq();
        const WS = this.options.WebSocket || globalThis.WebSocket;
        let ws;
        try {
            ws = new WS(this.wsUrl);
        } catch (e) {
            this._emit('error', e);
            this._scheduleReconnect({ code: CloseCodes.ABNORMAL, reason: String(e && e.message) });
            return;
        }
        this._ws = ws;
        const conn = { ws, token: this.token, since: this.lastSeq, connectedAt: 0, connectedSeq: null, replayMax: null, lastError: null };
        this._conn = conn;
        this._bucket = { tokens: Math.max(1, this.options.framesPerSecond), at: performance.now() };
        ws.onopen = () => {
            if (this._ws !== ws) return;
            const frame = { type: 'connect', token: this.token };
            if (conn.since != null) frame.since = conn.since;
            ws.send(JSON.stringify(frame));
            this._touch();
        };
        ws.onmessage = (ev) => {
            if (this._ws !== ws) return;
            this._touch();
            let f;
            try { f = JSON.parse(ev.data); } catch (e) { this._log('unparseable frame', ev.data); return; }
            this._onFrame(f, conn);
        };
        ws.onerror = () => { /* onclose follows with the code */ };
        ws.onclose = (ev) => {
            if (this._ws !== ws) return;
            this._ws = null;
            this._onClosed(ev.code, ev.reason, conn);
        };
    }

    _onFrame(f, conn) {
        switch (f.type) {
            case 'connected': return this._onConnected(f, conn);
            case 'notification': return this._onNotification(f, conn);
            case 'event': return this._emit('event:' + f.topic, f.data, f);
            case 'subscribed': {
                this._settleSub(f.topic, (p) => p.resolve(f.snapshot));
                return this._emit('subscribed:' + f.topic, f.snapshot, f);
            }
            case 'unsubscribed': return undefined;
            case 'replayed': {
                // The server marks the end of the replay; everything up to f.seq that could be sent was sent.
                if (this._conn === conn) this._replayDone(conn, f.seq);
                return this._emit('replayed', { count: f.count, seq: f.seq });
            }
            case 'pong': {
                const p = this._pings.shift();
                if (p) { clearTimeout(p.timer); p.resolve(); }
                return this._emit('pong');
            }
            case 'error': {
                conn.lastError = f;
                if (f.code === 'forbidden') {
                    for (const topic of this._subs.keys()) {
                        if (f.topic === topic) {
                            this._topics.delete(topic);
                            this._settleSub(topic, (p) => p.reject(new HeraldError(0, f.code, f.message)));
                        }
                    }
                }
                return this._emit('error', f);
            }
            default: return this._log('unknown frame', f);
        }
    }

    _onConnected(f, conn) {
        conn.connectedAt = Date.now();
        conn.connectedSeq = f.seq;
        this.recipient = f.recipient;
        const since = conn.since;
        if (since != null && f.seq < since) {
            // The server never gave out `since` (new database, other server): start afresh without since, which
            // also brings whatever is still waiting for this recipient.
            this._log('since', since, 'is ahead of the server seq', f.seq, '- resetting');
            this.lastSeq = null;
            this._above.clear();
            this._saveSeq(true);
            this._reconnectNow(CLIENT_RECONNECT, 'resume position reset');
            return;
        }
        const wasReconnect = this._everConnected === true;
        this._everConnected = true;
        this._setState('connected');
        this._emit('connected', { recipient: f.recipient, seq: f.seq, recovered: f.recovered !== false, since, reconnected: wasReconnect });
        for (const topic of this._topics) this._send({ type: 'subscribe', topic });
        const acks = this._pendingAcks;
        this._pendingAcks = [];
        for (const id of acks) this._send({ type: 'ack', delivery: id });
        this._scheduleHeartbeat();
        this._scheduleRefresh();
        this.inbox._refreshSoon(0);
    }

    _onNotification(f, conn) {
        const n = f.notification || {};
        const meta = { seq: f.seq, delivery: f.delivery, herald: this, replayed: f.seq != null && conn.connectedSeq != null && f.seq <= conn.connectedSeq };
        if (typeof f.seq === 'number') this._received(f.seq, conn);
        const dup = f.delivery != null && this._seen.has(f.delivery);
        if (f.delivery != null && !dup) {
            this._seen.add(f.delivery);
            if (this._seen.size > this.options.dedupe) this._seen.delete(this._seen.values().next().value);
            this._saveSeenSoon();
        }
        try {
            if (!dup) this._dispatch(n, meta);
        } finally {
            if (this.options.ack && f.delivery != null) this._ack(f.delivery);
        }
        if (!dup) this.inbox._refreshSoon();
    }

    _ack(delivery) {
        this._send({ type: 'ack', delivery }, true);
        // Workaround: the server can drop an ack that arrives while it is still recording the delivery as `sent`
        // (docs/js-client.md, "Acks"). A second ack is harmless: the server ignores acks of delivered deliveries.
        if (this.options.reAck > 0) setTimeout(() => this._send({ type: 'ack', delivery }, true), this.options.reAck);
    }

    _dispatch(n, meta) {
        const k = n.type ? String(n.type).toLowerCase() : 'message';
        const call = (fn) => {
            try { fn.call(this, n, meta); } catch (e) { console.error('[herald] handler for', n.type, 'failed:', e); }
        };
        this._emit('notification', n, meta);
        for (const map of [globalHandlers, this._handlers]) {
            const all = map.get('*');
            if (all) [...all].forEach(call);
        }
        const specific = [...(globalHandlers.get(k) || []), ...(this._handlers.get(k) || [])];
        if (specific.length) {
            specific.forEach(call);
            return;
        }
        const def = this._default !== undefined ? this._default : globalDefault;
        if (typeof def === 'function') call(def);
        else if (def === undefined && this.options.toast) showToast(this, n, meta);
    }

    _onClosed(code, reason, conn) {
        this._clearTimers();
        for (const p of this._pings.splice(0)) { clearTimeout(p.timer); p.reject(new Error('disconnected')); }
        for (const frame of this._outbox.splice(0)) if (frame.type === 'ack') this._pendingAcks.push(frame.delivery);
        const stable = conn.connectedAt && Date.now() - conn.connectedAt > 5000;
        if (stable) this._attempt = 0;
        const info = { code, reason: reason || (conn.lastError && conn.lastError.code) || '', message: conn.lastError && conn.lastError.message };
        if (this._stopped) return;
        if (code >= 4500 && code <= 4999 && code !== CLIENT_HEARTBEAT_TIMEOUT && code !== CLIENT_RECONNECT) {
            // Do not come back with the same credentials; a fresh token may help.
            this._emit('disconnected', { ...info, willReconnect: !!this.options.getToken });
            this._retryWithFreshToken(info, conn);
            return;
        }
        if (code === CloseCodes.TOKEN_EXPIRED) {
            this._emit('disconnected', { ...info, willReconnect: !!this.options.getToken || this.token !== conn.token });
            this._retryWithFreshToken(info, conn);
            return;
        }
        this._scheduleReconnect(info);
    }

    async _retryWithFreshToken(info, conn) {
        // A token refreshed ahead of expiry (or set with setToken) is used as is; otherwise ask getToken.
        const fresh = this.token !== conn.token ? this.token
            : this.options.getToken ? await this._refreshToken(info.reason || String(info.code)) : null;
        if (this._stopped) return;
        if (!fresh || fresh === conn.token) {
            this._stop(info.code, info.reason, info.message);
            return;
        }
        this._attempt = 0;
        this._open();
    }

    _stop(code, reason, message) {
        this._stopped = true;
        this._clearTimers();
        this._setState('stopped');
        this._emit('stopped', { code, reason, message });
    }

    _scheduleReconnect(info) {
        const cap = Math.min(this.options.reconnectMax, this.options.reconnectBase * 2 ** Math.min(this._attempt, 20));
        const delay = info.code === CLIENT_RECONNECT ? 0 : Math.floor(Math.random() * cap);
        this._attempt++;
        this._setState('reconnecting');
        this._emit('disconnected', { ...info, willReconnect: true, delay });
        this._emit('reconnecting', { attempt: this._attempt, delay });
        this._timers.reconnect = setTimeout(() => this._open(), delay);
    }

    _reconnectNow(code = CLIENT_RECONNECT, reason = 'reconnect') {
        if (this._stopped) return;
        const ws = this._ws;
        if (ws) {
            this._ws = null;
            try { ws.close(code, reason); } catch (e) { /* ignore */ }
            this._onClosed(CLIENT_RECONNECT, reason, this._conn || {});
        } else {
            clearTimeout(this._timers.reconnect);
            this._open();
        }
    }

    async _refreshToken(reason) {
        if (!this.options.getToken) return null;
        try {
            const t = await this.options.getToken(reason);
            if (t && t !== this.token) {
                this.token = t;
                this._emit('token', t);
            }
            return t || null;
        } catch (e) {
            this._emit('error', e);
            return null;
        }
    }

    /** With getToken: fetch a new token a minute before this one expires (the socket then resumes seamlessly). */
    _scheduleRefresh() {
        clearTimeout(this._timers.refresh);
        if (!this.options.getToken) return;
        const exp = this._claims().exp;
        if (!exp) return;
        const ms = exp * 1000 - Date.now() - 60000;
        if (ms <= 0 || ms > 2 ** 31 - 1) return;
        this._timers.refresh = setTimeout(() => this._refreshToken('expiring'), ms);
    }

    _claims() {
        return this.token ? claimsOf(this.token) : {};
    }

    // ----- internals: frames out (paced under the server's rate limit) -------------------------------------------

    _send(frame, isAck) {
        const ws = this._ws;
        if (!ws || ws.readyState !== 1 || this.state !== 'connected') {
            if (isAck) {
                this._pendingAcks.push(frame.delivery);
                if (this._pendingAcks.length > this.options.dedupe) this._pendingAcks.shift();
            }
            return;
        }
        this._outbox.push(frame);
        this._flush();
    }

    _flush() {
        const ws = this._ws;
        const rate = this.options.framesPerSecond;
        const burst = rate * 2;
        while (this._outbox.length && ws && ws.readyState === 1) {
            const now = performance.now();
            const b = this._bucket;
            b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1000 * rate);
            b.at = now;
            if (b.tokens < 1) {
                if (!this._timers.flush) {
                    this._timers.flush = setTimeout(() => { this._timers.flush = null; this._flush(); }, Math.ceil((1 - b.tokens) / rate * 1000));
                }
                return;
            }
            b.tokens -= 1;
            ws.send(JSON.stringify(this._outbox.shift()));
        }
    }

    // ----- internals: liveness ---------------------------------------------------------------------------------

    _touch() {
        this._lastHeard = Date.now();
    }

    _scheduleHeartbeat() {
        clearTimeout(this._timers.heartbeat);
        const every = this.options.heartbeat;
        if (!(every > 0)) return;
        this._timers.heartbeat = setTimeout(() => {
            if (this.state !== 'connected') return;
            if (Date.now() - this._lastHeard < every) { this._scheduleHeartbeat(); return; }
            this.ping().then(() => this._scheduleHeartbeat(), () => {
                if (this.state === 'connected') {
                    this._log('no pong; reconnecting');
                    const ws = this._ws;
                    this._ws = null;
                    try { ws && ws.close(CLIENT_HEARTBEAT_TIMEOUT, 'no pong'); } catch (e) { /* ignore */ }
                    this._onClosed(CloseCodes.ABNORMAL, 'no pong', this._conn || {});
                }
            });
        }, Math.max(1000, every - (Date.now() - (this._lastHeard || 0))));
    }

    _clearTimers() {
        for (const k of Object.keys(this._timers)) { clearTimeout(this._timers[k]); this._timers[k] = null; }
    }

    // ----- internals: resume position --------------------------------------------------------------------------

    //
    // Sequence numbers are given when a notification is accepted, and notifications can arrive out of order (an
    // urgent one overtakes, a scheduled or retried one comes later). The client resumes from a watermark: the highest
    // seq up to which it received every notification. Seqs received above it wait in `_above` until the gap closes.
    // A replay carries everything after `since` that can still be sent, so when it ends the watermark moves to the
    // highest seq it carried (without `since`: to the seq announced in `connected`). Duplicates the server sends
    // because of this are dropped by delivery id.

    _seqKey(what = 'seq') {
        const sub = this._claims().sub;
        return sub ? 'herald:' + this.baseUrl + ':' + sub + ':' + what : null;
    }

    /**
     * A new page starts from the stored position (the furthest any tab of this browser got) and the delivery ids
     * earlier pages showed. A running client keeps its own position: it must not skip what it missed just because
     * another tab saw it.
     */
    _loadSeq() {
        if (this.lastSeq != null) return;
        const store = storageOf(this.options.resume);
        const key = this._seqKey();
        if (!store || !key) return;
        const v = Number(store.getItem(key));
        if (Number.isFinite(v) && v > 0) this.lastSeq = v;
        try {
            const seen = JSON.parse(store.getItem(this._seqKey('seen')) || '[]');
            if (Array.isArray(seen)) seen.forEach((id) => this._seen.add(String(id)));
        } catch (e) { /* ignore a damaged entry */ }
    }

    _received(seq, conn) {
        if (conn.connectedSeq != null && seq <= conn.connectedSeq) conn.replayMax = Math.max(conn.replayMax ?? 0, seq);
        if (this.lastSeq != null && seq <= this.lastSeq) return;
        this._above.add(seq);
        if (this.lastSeq != null) this._advance();
    }

    _replayDone(conn, through) {
        const target = conn.since == null ? conn.connectedSeq : Math.max(conn.replayMax ?? 0, through ?? 0);
        if (target != null && (this.lastSeq == null || target > this.lastSeq)) this.lastSeq = target;
        this._advance();
    }

    _advance() {
        if (this.lastSeq == null) return;
        const before = this.lastSeq;
        for (const s of this._above) if (s <= this.lastSeq) this._above.delete(s);
        while (this._above.delete(this.lastSeq + 1)) this.lastSeq++;
        if (this._above.size > MAX_ABOVE) {
            // A gap that does not close (a notification cancelled or expired before it was sent): give up on it.
            this.lastSeq = Math.min(...this._above);
            this._advance();
            return;
        }
        if (this.lastSeq !== before) this._saveSeq();
    }

    _saveSeenSoon() {
        if (this._timers.seen || !storageOf(this.options.resume)) return;
        this._timers.seen = setTimeout(() => {
            this._timers.seen = null;
            const store = storageOf(this.options.resume);
            const key = this._seqKey('seen');
            if (!store || !key) return;
            try {
                let stored = [];
                try { stored = JSON.parse(store.getItem(key) || '[]'); } catch (e) { /* replaced below */ }
                const merged = [...new Set([...(Array.isArray(stored) ? stored : []), ...this._seen])];
                store.setItem(key, JSON.stringify(merged.slice(-STORED_SEEN)));
            } catch (e) { /* quota */ }
        }, 500);
    }

    _saveSeq(remove) {
        const store = storageOf(this.options.resume);
        const key = this._seqKey();
        if (!store || !key) return;
        try {
            if (remove) { store.removeItem(key); store.removeItem(this._seqKey('seen')); return; }
            const stored = Number(store.getItem(key)) || 0;
            if (this.lastSeq > stored) store.setItem(key, String(this.lastSeq)); // other tabs may be further
        } catch (e) { /* quota */ }
    }

    // ----- internals: events -----------------------------------------------------------------------------------

    _setState(s) {
        if (this.state === s) return;
        this.state = s;
        this._emit('state', s);
    }

    _emit(name, ...args) {
        const s = this._listeners.get(name);
        if (!s) return;
        for (const fn of [...s]) {
            try { fn.apply(this, args); } catch (e) { console.error('[herald] listener for', name, 'failed:', e); }
        }
    }

    _settleSub(topic, fn) {
        const waiting = this._subs.get(topic);
        if (!waiting) return;
        this._subs.delete(topic);
        waiting.forEach(fn);
    }

    _log(...a) {
        if (this.options.debug) console.debug('[herald]', ...a);
    }

    // ----- Web Push ---------------------------------------------------------------------------------------------

    /** Whether this browser can do Web Push at all (service workers, PushManager, notifications, a secure origin). */
    static pushSupported() {
        return typeof window !== 'undefined' && window.isSecureContext !== false && 'serviceWorker' in navigator
            && 'PushManager' in window && 'Notification' in window;
    }

    /**
     * `'unsupported'`, `'denied'` (the user blocked notifications), `'prompt'` (not asked yet), `'granted'` (allowed,
     * this browser not subscribed) or `'subscribed'`.
     */
    async pushState() {
        if (!Herald.pushSupported()) return 'unsupported';
        if (Notification.permission === 'denied') return 'denied';
        if (Notification.permission !== 'granted') return 'prompt';
        const reg = await navigator.serviceWorker.getRegistration(this._swScope());
        const sub = reg && await reg.pushManager.getSubscription();
        return sub && await readPushContact() ? 'subscribed' : 'granted';
    }

    /**
     * Turns Web Push on for this browser: asks for permission (call it from a click: browsers ignore the request
     * otherwise), registers the service worker, subscribes with Herald's VAPID key and hands the subscription to
     * Herald. Idempotent; calling it on every page load once permission is granted keeps the subscription fresh.
     * Resolves to `{contact_id}`; rejects with a HeraldError (`unsupported`, `permission_denied`, `push_service`, …).
     */
    async enablePush({ serviceWorker = this.baseUrl + '/herald-sw.js', scope } = {}) {
        if (!Herald.pushSupported()) throw new HeraldError(0, 'unsupported', 'this browser (or an http:// origin) cannot do Web Push');
        const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
        if (permission !== 'granted') throw new HeraldError(0, 'permission_denied', 'notifications are not allowed for this site');
        const reg = await navigator.serviceWorker.register(serviceWorker, scope ? { scope } : undefined);
        await navigator.serviceWorker.ready;
        const { key } = await this._http('GET', '/api/v1/push/vapid-public-key');
        const applicationServerKey = base64UrlToBytes(key);
        let sub = await reg.pushManager.getSubscription();
        if (sub && !sameKey(sub.options && sub.options.applicationServerKey, applicationServerKey)) {
            await sub.unsubscribe(); // Herald's VAPID key was rotated: the old subscription is dead
            sub = null;
        }
        if (!sub) {
            try {
                sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
            } catch (e) {
                throw new HeraldError(0, 'push_service', 'the browser could not subscribe at its push service: ' + (e && e.message));
            }
        }
        const r = await this._http('POST', '/api/v1/push/subscriptions', sub.toJSON());
        await writePushContact({ contact_id: r.contact_id, secret: r.secret, base: this.baseUrl, key: applicationServerKey });
        this._swRegistration = reg;
        return { contact_id: r.contact_id };
    }

    /** Re-announces an existing subscription (after a permission granted earlier); does nothing otherwise. */
    async resumePush(options) {
        if (!Herald.pushSupported() || Notification.permission !== 'granted') return null;
        const reg = await navigator.serviceWorker.getRegistration(this._swScope());
        if (!reg || !await reg.pushManager.getSubscription()) return null;
        return this.enablePush(options);
    }

    /** Turns Web Push off for this browser: unsubscribes at the push service and at Herald. */
    async disablePush() {
        if (!Herald.pushSupported()) return;
        const contact = await readPushContact();
        const reg = await navigator.serviceWorker.getRegistration(this._swScope());
        const sub = reg && await reg.pushManager.getSubscription();
        if (sub) await sub.unsubscribe();
        if (contact) {
            try {
                await this._http('DELETE', '/api/v1/push/subscriptions/' + encodeURIComponent(contact.contact_id));
            } catch (e) {
                if (!(e instanceof HeraldError) || e.status !== 404) throw e;
            }
            await writePushContact(null);
        }
    }

    _swScope() {
        return this.baseUrl + '/';
    }

    // ----- internals: HTTP -------------------------------------------------------------------------------------

    async _http(method, path, body) {
        const f = this.options.fetch || globalThis.fetch.bind(globalThis);
        for (let attempt = 0; ; attempt++) {
            if (!this.token && this.options.getToken) await this._refreshToken('missing');
            const headers = { Accept: 'application/json' };
            if (this.token) headers.Authorization = 'Bearer ' + this.token;
            if (body !== undefined) headers['Content-Type'] = 'application/json';
            const r = await f(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
            if (r.status === 401 && attempt === 0 && this.options.getToken) {
                const old = this.token;
                const fresh = await this._refreshToken('unauthorized');
                if (fresh && fresh !== old) continue;
            }
            if (r.status === 204) return null;
            let json = null;
            try { json = await r.json(); } catch (e) { /* empty or not JSON */ }
            if (!r.ok) throw new HeraldError(r.status, json && json.error, json && json.message, json && json.field);
            return json;
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------

/** The recipient's inbox over the HTTP API (client token). */
class Inbox {
    constructor(herald) {
        this._h = herald;
        this._timer = null;
    }

    /** `{items:[{id, notification_id, type, title, text, data, created_at, read_at}], unread}`. */
    async list({ unread, limit, before } = {}) {
        const q = new URLSearchParams();
        if (unread) q.set('unread', 'true');
        if (limit != null) q.set('limit', String(limit));
        if (before) q.set('before', before);
        const s = q.toString();
        const r = await this._h._http('GET', '/api/v1/inbox' + (s ? '?' + s : ''));
        this._setUnread(r.unread);
        return r;
    }

    async unreadCount() {
        const r = await this._h._http('GET', '/api/v1/inbox?unread=true&limit=1');
        this._setUnread(r.unread);
        return r.unread;
    }

    async markRead(id) {
        const r = await this._h._http('POST', '/api/v1/inbox/' + encodeURIComponent(id) + '/read');
        this._setUnread(r.unread);
        return r;
    }

    async markAllRead() {
        const r = await this._h._http('POST', '/api/v1/inbox/read-all');
        this._setUnread(r.unread);
        return r;
    }

    async remove(id) {
        await this._h._http('DELETE', '/api/v1/inbox/' + encodeURIComponent(id));
        this._refreshSoon(0);
    }

    /** Calls `fn(count)` whenever the unread count changes (and once now if it is known). Returns an unsubscribe. */
    onUnreadChange(fn) {
        const off = this._h.on('unread', fn);
        if (this._h.unread != null) fn.call(this._h, this._h.unread);
        return off;
    }

    _setUnread(n) {
        if (typeof n !== 'number' || n === this._h.unread) return;
        this._h.unread = n;
        this._h._emit('unread', n);
    }

    /**
     * Re-reads the unread count a moment after a notification arrived (the WebSocket frame does not say whether the
     * notification also went to the inbox, and the inbox delivery may land a little later), and once more later.
     */
    _refreshSoon(delay = 300) {
        if (!this._h._listeners.has('unread') || this._h._listeners.get('unread').size === 0) return;
        clearTimeout(this._timer);
        clearTimeout(this._late);
        const run = () => this.unreadCount().catch((e) => this._h._log('unread count:', e));
        this._timer = setTimeout(run, delay);
        if (delay > 0) this._late = setTimeout(run, delay + 2000);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Web Push helpers: the contact (id, secret, Herald's URL, VAPID key) lives in IndexedDB, where herald-sw.js reads it.

const PUSH_DB = 'herald';
const PUSH_STORE = 'push';
const PUSH_CONTACT = 'contact';

function pushDb() {
    return new Promise((resolve, reject) => {
        const open = indexedDB.open(PUSH_DB, 1);
        open.onupgradeneeded = () => open.result.createObjectStore(PUSH_STORE);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
    });
}

async function readPushContact() {
    const db = await pushDb();
    try {
        return await new Promise((resolve, reject) => {
            const get = db.transaction(PUSH_STORE, 'readonly').objectStore(PUSH_STORE).get(PUSH_CONTACT);
            get.onsuccess = () => resolve(get.result || null);
            get.onerror = () => reject(get.error);
        });
    } finally {
        db.close();
    }
}

async function writePushContact(contact) {
    const db = await pushDb();
    try {
        await new Promise((resolve, reject) => {
            const tx = db.transaction(PUSH_STORE, 'readwrite');
            const store = tx.objectStore(PUSH_STORE);
            if (contact) store.put(contact, PUSH_CONTACT); else store.delete(PUSH_CONTACT);
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
        });
    } finally {
        db.close();
    }
}

function base64UrlToBytes(s) {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
}

function sameKey(a, b) {
    if (!a || !b) return false;
    const x = new Uint8Array(a instanceof ArrayBuffer ? a : a.buffer || a);
    if (x.length !== b.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== b[i]) return false;
    return true;
}

// ---------------------------------------------------------------------------------------------------------------
// The page-wide registry for scripts that are not modules: window.Herald. Scripts that run before this module can
// queue registrations with `(window.Herald = window.Herald || []).push({TYPE:'x', CALLBACK: fn})`.

Herald.VERSION = VERSION;
Herald.CloseCodes = CloseCodes;
Herald.Error = HeraldError;
Herald.instances = instances;

if (typeof window !== 'undefined') {
    const queued = window.Herald;
    if (Array.isArray(queued)) queued.forEach((s) => Herald.extend(s));
    window.Herald = Herald;
    try { window.dispatchEvent(new CustomEvent('herald:ready', { detail: Herald })); } catch (e) { /* old browsers */ }
}

export default Herald;
