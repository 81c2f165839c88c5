// Shared page helpers. Every string from the API reaches the page through
// textContent (el() below); the one piece of server HTML, a search snippet, is
// rebuilt node by node by snippetNodes, so no page ever assigns innerHTML.

import { currentUser, signOut, token, toLogin } from './api.js';

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

// bi is a Chinese label with its English in a small grey subtitle.
export function bi(zh, en) {
  const f = document.createDocumentFragment();
  f.append(zh);
  if (en) f.append(' ', el('small', { class: 'en', text: en }));
  return f;
}

export function clear(n) {
  while (n.firstChild) n.removeChild(n.firstChild);
}

let catalogPromise = null;

// catalog is the code lists with their names (districts, chains, kinds and the
// contract's closed lists), fetched once per page.
export function catalog() {
  if (!catalogPromise) {
    catalogPromise = fetch('/app/catalog.json').then((r) => {
      if (!r.ok) throw new Error('catalog ' + r.status);
      return r.json();
    }).then((c) => {
      c.name = {};
      const add = (list, key) => {
        c.name[key] = {};
        for (const x of list || []) c.name[key][x.code] = x.zh;
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

// nameOf shows a code by its Chinese name, or the code itself when unknown.
export function nameOf(cat, list, code) {
  return (cat.name[list] && cat.name[list][code]) || code;
}

export function options(select, list, keepFirst = true) {
  const first = keepFirst && select.options.length ? select.options[0] : null;
  clear(select);
  if (first) select.append(first);
  for (const x of list) select.append(el('option', { value: x.code, text: x.zh + (x.en ? ' · ' + x.en : '') }));
}

// flash shows a message at the top of the page; kind is '', 'ok' or 'warn'.
export function flash(msg, kind = '') {
  const f = document.getElementById('flash');
  if (!f) return;
  f.className = 'flash' + (kind ? ' ' + kind : '');
  f.textContent = msg;
  f.hidden = !msg;
}

// clearErrors empties every error slot of a form.
export function clearErrors(form) {
  for (const p of form.querySelectorAll('.err')) p.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

// showError puts an API error's Chinese message next to the field it names
// (error.field), or in the form's general slot when no field matches.
export function showError(form, err) {
  let slot = null;
  if (err.field) slot = form.querySelector('.err[data-err-for="' + CSS.escape(err.field) + '"]');
  if (!slot) slot = form.querySelector('.err[data-err-for=""]');
  const msg = err.zh || err.message;
  if (slot) {
    slot.textContent = msg;
    slot.scrollIntoView({ block: 'nearest' });
  } else {
    flash(msg, 'warn');
  }
  if (err.field) {
    const input = form.querySelector('[data-field="' + CSS.escape(err.field) + '"]');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }
}

const roleNames = { startup: '创业企业', mentor: '创业导师', investor: '投资机构', operator: '运营方', manager: '区县管理员', admin: '系统管理员' };

export function roleName(r) {
  return roleNames[r] || r;
}

// setupPage shows who is signed in, with a sign-out button, and sends a visitor
// without a token to the sign-in page unless the page is public. It returns the
// signed-in account or null.
export function setupPage() {
  const who = document.getElementById('who');
  const u = currentUser();
  if (!token()) {
    if (!document.body.dataset.public) {
      toLogin();
      return null;
    }
    if (who) who.append(el('a', { href: '/app/login', text: '登录' }));
    return null;
  }
  if (who && u) {
    const out = el('button', { type: 'button', class: 'link', id: 'logout', text: '退出' });
    out.addEventListener('click', () => {
      signOut();
      location.assign('/app/login');
    });
    who.append(el('span', { class: 'me', text: u.name }), el('small', { class: 'en', text: roleName(u.role) }), out);
  }
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
