/*
 * Herald service worker: shows Web Push notifications while the page is closed.
 * Registered by herald.js `enablePush()` (navigator.serviceWorker.register('/herald-sw.js')). A classic script, no
 * imports, so that every browser with Web Push can run it. Reference: docs/js-client.md (Web Push).
 *
 * A push carries either the message itself (JSON: {id, notification, type, title, text, icon, url, tag}) or, in
 * fetch mode, {fetch: true, contact_id}: then the worker fetches the pending messages from Herald with the contact's
 * secret, kept in IndexedDB by enablePush().
 */
'use strict';

const HERALD_DB = 'herald';
const HERALD_STORE = 'push';
const HERALD_CONTACT_KEY = 'contact';
const DEFAULT_TITLE = 'Notification';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => extend(event, self.clients.claim()));
self.addEventListener('push', (event) => extend(event, onPush(event.data)));
self.addEventListener('notificationclick', (event) => extend(event, onNotificationClick(event.notification, event.action)));
self.addEventListener('pushsubscriptionchange', (event) => extend(event, onSubscriptionChange(event)));

/** Keeps the worker alive until `promise` settles. A synthetic event (tests) cannot be extended; it just runs. */
function extend(event, promise) {
    try { event.waitUntil(promise); } catch (e) { /* not dispatched by the browser */ }
    return promise;
}

async function onPush(data) {
    let message = null;
    if (data) {
        try { message = data.json(); } catch (e) { message = { text: data.text() }; }
    }
    if (message && !message.fetch) return show(message);
    const pending = await fetchPending();
    // Browsers require a visible notification for every push (userVisibleOnly); an empty fetch still shows one.
    if (pending.length === 0) return show({ title: DEFAULT_TITLE, text: '', tag: 'herald-empty' });
    return Promise.all(pending.map(show));
}

function show(m) {
    const options = {
        body: m.text || '',
        tag: m.tag || m.id || undefined,
        data: { url: m.url || null, id: m.id || null, notification: m.notification || null, type: m.type || null },
    };
    if (m.icon) options.icon = m.icon;
    return self.registration.showNotification(m.title || DEFAULT_TITLE, options);
}

/** Focuses a window already showing the notification's URL, else opens one. Only http(s) URLs are opened. */
async function onNotificationClick(notification) {
    notification.close();
    const url = safeUrl(notification.data && notification.data.url);
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const w of windows) {
        if (w.url === url && 'focus' in w) return w.focus();
    }
    return self.clients.openWindow(url);
}

function safeUrl(candidate) {
    const fallback = self.registration.scope;
    if (!candidate) return fallback;
    try {
        const u = new URL(candidate, self.registration.scope);
        return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : fallback;
    } catch (e) {
        return fallback;
    }
}

/** The browser's push service replaced the subscription: tell Herald the new endpoint under the same contact. */
async function onSubscriptionChange(event) {
    const contact = await readContact();
    if (!contact) return;
    let sub = event.newSubscription;
    if (!sub) {
        const key = (event.oldSubscription && event.oldSubscription.options.applicationServerKey) || contact.key;
        sub = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    }
    await fetch(contact.base + '/api/v1/push/subscriptions/' + encodeURIComponent(contact.contact_id), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-Herald-Contact-Secret': contact.secret },
        body: JSON.stringify(sub.toJSON()),
    });
}

async function fetchPending() {
    const contact = await readContact();
    if (!contact) return [];
    try {
        const r = await fetch(contact.base + '/api/v1/push/messages/' + encodeURIComponent(contact.contact_id), {
            headers: { 'X-Herald-Contact-Secret': contact.secret, Accept: 'application/json' },
            cache: 'no-store',
        });
        return r.ok ? await r.json() : [];
    } catch (e) {
        return [];
    }
}

/** {contact_id, secret, base, key} as enablePush() stored it. */
function readContact() {
    return new Promise((resolve) => {
        const open = indexedDB.open(HERALD_DB, 1);
        open.onupgradeneeded = () => open.result.createObjectStore(HERALD_STORE);
        open.onerror = () => resolve(null);
        open.onsuccess = () => {
            const db = open.result;
            const get = db.transaction(HERALD_STORE, 'readonly').objectStore(HERALD_STORE).get(HERALD_CONTACT_KEY);
            get.onsuccess = () => { db.close(); resolve(get.result || null); };
            get.onerror = () => { db.close(); resolve(null); };
        };
    });
}
