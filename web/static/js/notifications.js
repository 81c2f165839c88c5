// 通知: what happened to the person's introductions and saved lists, unread
// first; each can be marked read (opening its link does too), or all at once.
// Below: the saved searches and match lists, and the preferences — an optional
// daily e-mail digest and, per type, in the app and by e-mail.

import { del, get, post, put, query, ApiError } from './api.js';
import { has, msg, t } from './i18n.js';
import { catalog, clear, clearErrors, el, errText, nameOf, note, refreshBell, setupPage, showError } from './ui.js';

setupPage();
const cat = await catalog();

const list = document.getElementById('notes');
const errBox = document.getElementById('notes-error');
const more = document.getElementById('notes-more');
const filter = document.getElementById('note-filter');
let unreadOnly = '1';
let cursor = '';

function typeName(type) {
  return has('notify.type.' + type) ? t('notify.type.' + type) : type;
}

async function markRead(ids) {
  await post('/notifications/read', ids === 'all' ? { all: true } : { ids });
  await refreshBell();
}

// safeLink keeps a notification's link on this site.
function safeLink(link) {
  return typeof link === 'string' && link.startsWith('/app/') && !link.startsWith('//') ? link : '';
}

function item(n) {
  const link = safeLink(n.link);
  const text = msg(n);
  const body = link ? el('a', { href: link, class: 'note-text', text }) : el('span', { class: 'note-text', text });
  const li = el('li', { class: 'note' + (n.read ? ' read' : ' unread'), dataset: { id: n.id, type: n.type } },
    el('span', { class: 'badge', text: typeName(n.type) }), ' ', body,
    el('span', { class: 'muted small', text: ' ' + String(n.created_at || '').slice(0, 16).replace('T', ' ') }));
  if (!n.read) {
    const btn = el('button', { type: 'button', class: 'link mark-read', text: t('notify.mark_read') });
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await markRead([n.id]);
        li.classList.replace('unread', 'read');
        btn.remove();
      } catch (err) {
        btn.disabled = false;
        errBox.textContent = errText(err);
      }
    });
    li.append(' ', btn);
    if (link) body.addEventListener('click', () => { markRead([n.id]).catch(() => {}); });
  }
  return li;
}

async function load(append = false) {
  errBox.textContent = '';
  for (const b of filter.querySelectorAll('[data-unread]')) b.setAttribute('aria-selected', b.dataset.unread === unreadOnly ? 'true' : 'false');
  let r;
  try {
    r = await get('/notifications' + query({ unread: unreadOnly, cursor: append ? cursor : '' }));
  } catch (err) {
    errBox.textContent = errText(err);
    return;
  }
  if (!append) clear(list);
  const items = r.data.items || [];
  for (const n of items) list.append(item(n));
  if (!append && !items.length) list.append(el('li', { class: 'muted', id: 'no-notes', text: t(unreadOnly ? 'notify.none_unread' : 'notify.none') }));
  cursor = r.data.next_cursor || '';
  more.hidden = !cursor;
}

for (const b of filter.querySelectorAll('[data-unread]')) {
  b.addEventListener('click', () => {
    unreadOnly = b.dataset.unread;
    load();
  });
}
more.addEventListener('click', () => load(true));
document.getElementById('read-all').addEventListener('click', async (ev) => {
  ev.target.disabled = true;
  try {
    await markRead('all');
    await load();
  } catch (err) {
    errBox.textContent = errText(err);
  } finally {
    ev.target.disabled = false;
  }
});

// ---- saved searches and match lists ----

const savedList = document.getElementById('saved');

// savedHref is where a saved list opens: the search, or the profile whose
// matches were saved (a startup's when the matches were of another kind; else the
// profile page finds the kind itself).
function savedHref(s) {
  if (s.kind === 'search') return '/app/search' + query(s.query || {});
  return '/app/profile' + query({ kind: s.target && s.target !== 'startup' ? 'startup' : '', id: s.profile_id, target: s.target });
}

function describe(s) {
  if (s.kind !== 'search') return t('notify.saved_matches', { target: nameOf(cat, 'kind', s.target || '') });
  const q = s.query || {};
  const parts = [q.q, q.kind && nameOf(cat, 'kind', q.kind), q.chain && nameOf(cat, 'chain', q.chain),
    q.district && nameOf(cat, 'district', q.district), q.stage && nameOf(cat, 'stages', q.stage)].filter(Boolean);
  return t('notify.saved_search', { what: parts.join(' · ') || t('common.all') });
}

async function loadSaved() {
  let r;
  try {
    r = await get('/me/saved');
  } catch (err) {
    clear(savedList);
    savedList.append(el('li', { class: 'err', text: errText(err) }));
    return;
  }
  clear(savedList);
  const items = r.data.items || [];
  if (!items.length) savedList.append(el('li', { class: 'muted', text: t('notify.saved_none') }));
  for (const s of items) {
    const rm = el('button', { type: 'button', class: 'secondary small', text: t('notify.saved_delete') });
    rm.addEventListener('click', async () => {
      rm.disabled = true;
      try {
        await del('/me/saved/' + s.id);
        await loadSaved();
      } catch (err) {
        rm.disabled = false;
        note(rm.nextSibling, errText(err), 'warn');
      }
    });
    savedList.append(el('li', { class: 'pitem', dataset: { id: s.id, kind: s.kind } },
      el('a', { href: savedHref(s), class: 'pname', text: s.name }),
      el('span', { class: 'muted', text: describe(s) }), rm, el('span', { class: 'ok-note' })));
  }
}

// ---- preferences ----

const prefsForm = document.getElementById('prefs-form');
const typesBody = document.getElementById('prefs-types');
let prefs = null;

async function loadPrefs() {
  try {
    prefs = (await get('/me/notifications')).data;
  } catch (err) {
    prefsForm.hidden = true;
    prefsForm.parentNode.append(el('p', { class: 'err', text: errText(err) }));
    return;
  }
  document.getElementById('digest').value = prefs.email_digest || 'off';
  clear(typesBody);
  for (const [type, p] of Object.entries(prefs.types || {})) {
    const inApp = el('input', { type: 'checkbox', 'data-type': type, 'data-channel': 'in_app', checked: !!p.in_app, 'aria-label': typeName(type) + ' · ' + t('notify.in_app') });
    const mail = el('input', { type: 'checkbox', 'data-type': type, 'data-channel': 'email', checked: !!p.email, 'aria-label': typeName(type) + ' · ' + t('notify.email') });
    typesBody.append(el('tr', { dataset: { type } }, el('td', { text: typeName(type) }), el('td', {}, inApp), el('td', {}, mail)));
  }
}

prefsForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(prefsForm);
  const body = { email_digest: document.getElementById('digest').value, types: {} };
  for (const tr of typesBody.querySelectorAll('tr')) {
    const type = tr.dataset.type;
    body.types[type] = {
      in_app: tr.querySelector('[data-channel="in_app"]').checked,
      email: tr.querySelector('[data-channel="email"]').checked,
    };
  }
  const btn = document.getElementById('prefs-save');
  btn.disabled = true;
  try {
    await put('/me/notifications', body);
    note(document.getElementById('prefs-done'), t('notify.prefs_saved'));
  } catch (err) {
    showError(prefsForm, err instanceof ApiError ? err : { zh: String(err) });
  } finally {
    btn.disabled = false;
  }
});

await Promise.all([load(), loadSaved(), loadPrefs()]);
