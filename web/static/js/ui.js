// Shared page helpers: elements, the code lists, errors next to their fields,
// the header (who is signed in, the menu for their role, the unread badge, the
// language switch). Every string from the API reaches the page through
// textContent (el() below); the one piece of server HTML, a search snippet, is
// rebuilt node by node by snippetNodes, so no page ever assigns innerHTML.

import { currentUser, get, query, rememberUser, signedIn, signOut, toLogin } from './api.js';
import { has, lang, setLanguage, t } from './i18n.js';

// el builds an element. attrs: class, text, and any attribute (false or null
// leaves it out); children: nodes or strings (strings become text nodes).
export function el(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else if (k === 'dataset') Object.assign(n.dataset, v);
    else n.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return n;
}

// bi is one text in the page's language from a Chinese and an English string,
// for pages whose words are not yet in the catalogue (no subtitles: one language
// at a time). New code uses t() from i18n.js.
export function bi(zh, en) {
  return lang === 'en' && en ? en : zh;
}

export function clear(n) {
  while (n.firstChild) n.removeChild(n.firstChild);
}

let catalogPromise = null;

// catalog is the code lists with their names (districts, chains, kinds and the
// contract's closed lists), fetched once per page. name[list][code] is the name
// in the page's language.
export function catalog() {
  if (!catalogPromise) {
    catalogPromise = fetch('/app/catalog.json').then((r) => {
      if (!r.ok) throw new Error('catalog ' + r.status);
      return r.json();
    }).then((c) => {
      c.name = {};
      const add = (list, key) => {
        c.name[key] = {};
        for (const x of list || []) c.name[key][x.code] = label(x);
      };
      add(c.districts, 'district');
      add(c.chains, 'chain');
      add(c.kinds, 'kind');
      for (const [k, list] of Object.entries(c.lists)) add(list, k);
      c.path = {};
      for (const k of c.kinds) c.path[k.code] = k.path;
      return c;
    });
  }
  return catalogPromise;
}

// label is a code's name in the page's language.
export function label(x) {
  return lang === 'en' && x.en ? x.en : x.zh;
}

// nameOf shows a code by its name, or the code itself when unknown.
export function nameOf(cat, list, code) {
  return (cat.name[list] && cat.name[list][code]) || code;
}

export function options(select, list, keepFirst = true) {
  const first = keepFirst && select.options.length ? select.options[0] : null;
  clear(select);
  if (first) select.append(first);
  for (const x of list) select.append(el('option', { value: x.code, text: label(x) }));
}

// districtsFor is the districts a person may pick: a manager only their own.
export function districtsFor(cat, user) {
  if (user && user.role === 'manager' && (user.districts || []).length) {
    return cat.districts.filter((d) => user.districts.includes(d.code));
  }
  return cat.districts;
}

// flash shows a message at the top of the page; kind is '', 'ok' or 'warn'.
export function flash(text, kind = '') {
  const f = document.getElementById('flash');
  if (!f) return;
  f.className = 'flash' + (kind ? ' ' + kind : '');
  f.textContent = text;
  f.hidden = !text;
  if (text) f.scrollIntoView({ block: 'nearest' });
}

// note shows a short confirmation in slot (next to the button that caused it),
// and takes it away after a while.
export function note(slot, text, kind = 'ok') {
  if (!slot) return;
  slot.textContent = text;
  slot.className = 'ok-note ' + kind;
  slot.scrollIntoView({ block: 'nearest' });
  clearTimeout(slot._timer);
  if (kind === 'ok') slot._timer = setTimeout(() => { slot.textContent = ''; }, 8000);
}

// clearErrors empties every error slot of a form.
export function clearErrors(form) {
  for (const p of form.querySelectorAll('.err')) p.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

// errText is an error's message in the page's language.
export function errText(err) {
  if (!err) return '';
  if (lang === 'en') return err.en || err.zh || err.message || String(err);
  return err.zh || err.message || String(err);
}

// showError puts an API error's message next to the field it names (error.field,
// or its first part: "needs.funding_wan" falls back to "needs"), or in the
// form's general slot when no field matches.
export function showError(form, err) {
  let slot = null;
  let input = null;
  if (err.field) {
    const names = [err.field, err.field.replace(/\[\d+\]$/, ''), err.field.split('.')[0]];
    for (const f of names) {
      slot = slot || form.querySelector('.err[data-err-for="' + CSS.escape(f) + '"]');
      input = input || form.querySelector('[data-field="' + CSS.escape(f) + '"]');
    }
  }
  if (!slot) slot = form.querySelector('.err[data-err-for=""]');
  const text = errText(err);
  if (slot) {
    slot.textContent = text;
    slot.scrollIntoView({ block: 'nearest' });
  } else {
    flash(text, 'warn');
  }
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    if (input.focus) input.focus({ preventScroll: true });
  }
}

export function roleName(r) {
  return has('common.role.' + r) ? t('common.role.' + r) : r;
}

// showMenu shows the menu entries (and anything else marked data-roles) meant for
// role, and hides the rest: nobody is offered a page that would refuse them.
export function showMenu(role) {
  for (const a of document.querySelectorAll('[data-roles]')) {
    a.hidden = !role || !a.dataset.roles.split(' ').includes(role);
  }
}

// unread shows the count of unread notifications on the bell in the header.
export async function refreshBell() {
  const bell = document.getElementById('bell');
  const count = document.getElementById('bell-count');
  if (!bell || !count) return;
  try {
    const r = await get('/notifications' + query({ unread: 1, limit: 1 }), { noRedirect: true });
    const n = (r.data && r.data.unread) || 0;
    bell.hidden = false;
    count.hidden = n === 0;
    count.textContent = n > 99 ? '99+' : String(n);
    bell.setAttribute('aria-label', t('common.notifications_n', { n }));
  } catch {
    bell.hidden = true; // a server without notifications
  }
}

function setupChrome() {
  const sw = document.getElementById('lang-switch');
  if (sw) sw.addEventListener('click', () => setLanguage(sw.dataset.lang));
  const toggle = document.getElementById('menu-toggle');
  const menu = document.getElementById('menu');
  if (toggle && menu) {
    toggle.addEventListener('click', () => {
      const open = !menu.classList.contains('open');
      menu.classList.toggle('open', open);
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }
}

// setupPage shows who is signed in, with a sign-out button, the menu for their
// role and the unread badge, and sends a visitor nobody signed in to the sign-in
// page unless the page is public. It returns the signed-in account (as last told
// by the server) or null; /me confirms it in the background and a 401 there sends
// to sign-in.
export function setupPage() {
  setupChrome();
  const who = document.getElementById('who');
  const u = currentUser();
  if (!signedIn() || !u) {
    showMenu('');
    if (!document.body.dataset.public) {
      toLogin();
      return null;
    }
    if (who) who.prepend(el('a', { href: '/app/login', id: 'sign-in', text: t('common.sign_in') }));
    return null;
  }
  showMenu(u.role);
  if (who) {
    const out = el('button', { type: 'button', class: 'link', id: 'logout', text: t('common.sign_out') });
    out.addEventListener('click', async () => {
      out.disabled = true;
      await signOut();
      location.assign('/app/login');
    });
    who.prepend(el('span', { class: 'me', text: u.name }), el('span', { class: 'role muted', text: roleName(u.role) }));
    who.append(out);
  }
  get('/me', { noRedirect: document.body.dataset.public === '1' }).then((r) => {
    rememberUser(r.data);
    showMenu(r.data.role);
  }, () => {});
  refreshBell();
  return u;
}

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return entities[e.toLowerCase()] ?? m;
  });
}

// snippetNodes turns a search snippet (escaped text with <mark> around the words
// that matched) into nodes. Only <mark> is honoured; any other markup would show
// as text, so a bug in the server's escaping cannot become script on the page.
export function snippetNodes(html) {
  const f = document.createDocumentFragment();
  const parts = String(html || '').split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const part of parts) {
    if (part === '<mark>') {
      marked = true;
    } else if (part === '</mark>') {
      marked = false;
    } else if (part) {
      const text = decodeEntities(part);
      f.append(marked ? el('mark', { text }) : document.createTextNode(text));
    }
  }
  return f;
}

export function profileHref(kind, id) {
  return '/app/profile?kind=' + encodeURIComponent(kind) + '&id=' + encodeURIComponent(id);
}

// kindsFor lists the kinds an account may create, as the API's policy does.
export function kindsFor(role) {
  switch (role) {
    case 'startup': return ['startup'];
    case 'mentor': return ['mentor'];
    case 'investor': return ['investor'];
    case 'operator': return ['carrier', 'enclave', 'provider'];
    case 'manager':
    case 'admin': return ['startup', 'mentor', 'investor', 'carrier', 'enclave', 'provider'];
  }
  return [];
}
