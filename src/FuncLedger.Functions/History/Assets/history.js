// The player's history page: reads its own signed link (the path names the owner, ?t= is the token) and asks the app
// for the balance and one page of history at a time. Every value is written as text, never as HTML.
(function () {
  'use strict';
  var token = new URLSearchParams(window.location.search).get('t') || '';
  var dataUrl = window.location.pathname.replace(/\/+$/, '') + '/data';
  var cursors = [null];
  var byId = function (id) { return document.getElementById(id); };
  var number = new Intl.NumberFormat();
  var when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  function fail(message) {
    byId('wallet').hidden = true;
    byId('history').hidden = true;
    byId('error').textContent = message;
    byId('error').hidden = false;
  }

  function cell(text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) { td.className = className; }
    return td;
  }

  function render(data) {
    byId('balance').textContent = number.format(data.balance);
    byId('held').textContent = number.format(data.held);
    byId('available').textContent = number.format(data.available);
    var rows = byId('rows');
    rows.textContent = '';
    data.items.forEach(function (item) {
      var tr = document.createElement('tr');
      tr.dataset.transactionId = item.transactionId;
      tr.appendChild(cell(when.format(new Date(item.createdAt)), 'when'));
      tr.appendChild(cell(item.reason, 'what'));
      tr.appendChild(cell((item.amount > 0 ? '+' : '') + number.format(item.amount), 'num coins ' + (item.amount > 0 ? 'in' : 'out')));
      tr.appendChild(cell(number.format(item.balanceAfter), 'num after'));
      rows.appendChild(tr);
    });
    byId('empty').hidden = data.items.length > 0;
    byId('wallet').hidden = false;
    byId('history').hidden = false;
    byId('newer').disabled = cursors.length <= 1;
    byId('older').disabled = !data.nextCursor;
    byId('older').dataset.cursor = data.nextCursor || '';
    byId('page').textContent = 'Page ' + cursors.length;
  }

  function load() {
    var query = new URLSearchParams({ t: token, limit: '10' });
    var cursor = cursors[cursors.length - 1];
    if (cursor) { query.set('cursor', cursor); }
    if (byId('type').value) { query.set('type', byId('type').value); }
    return fetch(dataUrl + '?' + query.toString(), { headers: { Accept: 'application/json' }, credentials: 'omit' })
      .then(function (response) {
        if (response.status === 403) { throw new Error('This link is not valid or has expired. Ask for a new one.'); }
        if (!response.ok) { throw new Error('Your history could not be loaded. Try again in a moment.'); }
        return response.json();
      })
      .then(render)
      .catch(function (error) { fail(error.message); });
  }

  byId('older').addEventListener('click', function () { cursors.push(byId('older').dataset.cursor); load(); });
  byId('newer').addEventListener('click', function () { if (cursors.length > 1) { cursors.pop(); load(); } });
  byId('type').addEventListener('change', function () { cursors = [null]; load(); });
  if (document.body.dataset.linkError) { fail(document.body.dataset.linkError); } else { load(); }
}());
