/*
 * Written the way a module of a billing page would extend the Herald client: a classic script (no import), which may
 * run before or after /herald.js has loaded. `window.Herald` is either the client class or, before it loads, a plain
 * array that the client drains when it starts; `push` works on both.
 */
(function () {
  'use strict';

  function addPayment(n, meta) {
    var data = n.data || {};
    var tbody = document.querySelector('#payments tbody');
    if (!tbody) return;
    var tr = document.createElement('tr');
    tr.setAttribute('data-delivery', meta && meta.delivery ? meta.delivery : '');
    var cells = [
      new Date(n.created_at || Date.now()).toLocaleTimeString(),
      data.uid != null ? String(data.uid) : '—',
      data.amount != null ? String(data.amount) + (data.currency ? ' ' + data.currency : '') : '—'
    ];
    cells.forEach(function (value, i) {
      var td = document.createElement('td');
      td.textContent = value; // server data: text only
      if (i === 2) td.className = 'amount';
      tr.appendChild(td);
    });
    tbody.insertBefore(tr, tbody.firstChild);
    var empty = document.getElementById('payments-empty');
    if (empty) empty.hidden = true;
    // This handler replaces the default toast for its type; it still wants one, so it asks for it.
    if (meta && meta.herald) meta.herald.toast(n, meta);
  }

  (window.Herald = window.Herald || []).push({ TYPE: 'payment.received', CALLBACK: addPayment });
})();
