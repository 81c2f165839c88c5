// Calls to the JSON API. Signing in sets an HttpOnly session cookie (fuhua_session)
// that no script can read, and a readable fuhua_csrf cookie whose value every
// state-changing request repeats in X-CSRF-Token: another site can make the
// browser send the cookie but cannot read it to set the header. The cookie is
// shared by every tab, so a second tab or a Ctrl-click is still signed in.

import { lang, t } from './i18n.js';

const USER = 'fuhua.user';

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

// csrf is the token the API wants back in X-CSRF-Token.
export function csrf() {
  return cookie('fuhua_csrf');
}

// A server without cookie sessions answers sign-in with a bearer token only; the
// page then keeps it for this tab (sessionStorage) as before.
const TOKEN = 'fuhua.token';

function bearer() {
  return sessionStorage.getItem(TOKEN) || '';
}

// signedIn says whether a session looks alive: the CSRF cookie lives as long as
// the session cookie. The API has the last word (a 401 sends to sign-in).
export function signedIn() {
  return csrf() !== '' || bearer() !== '';
}

// signIn remembers the account after sign-in or registration; tok is kept only
// when the server set no session cookie.
export function signIn(tok, user) {
  rememberUser(user);
  if (csrf() === '' && tok) sessionStorage.setItem(TOKEN, tok);
  else sessionStorage.removeItem(TOKEN);
}

// currentUser is the account the page was told about at sign-in or by /me,
// remembered in localStorage so every tab shows it at once.
export function currentUser() {
  try {
    return JSON.parse(localStorage.getItem(USER) || 'null');
  } catch {
    return null;
  }
}

export function rememberUser(user) {
  localStorage.setItem(USER, JSON.stringify(user || null));
}

export function forgetUser() {
  localStorage.removeItem(USER);
  sessionStorage.removeItem(TOKEN);
}

// ApiError carries the API's error body: code, the field at fault, and the
// messages in both languages. status 0 means the server could not be reached.
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    const zh = e.message_zh || e.message || t('common.failed', { status });
    const en = e.message_en || e.message || t('common.failed', { status });
    super(lang === 'en' ? en : zh);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
    this.zh = zh;
    this.en = en;
  }
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// request sends one API call and returns {status, data, headers}. Any status of
// 400 or more throws an ApiError; a 401 also sends the visitor to the sign-in
// page, and back here afterwards, unless opts.noRedirect.
export async function request(method, path, opts = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
  if (unsafe.has(method) && csrf()) headers['X-CSRF-Token'] = csrf();
  if (bearer() && !csrf()) headers.Authorization = 'Bearer ' + bearer();
  const init = { method, headers, credentials: 'same-origin' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch('/api/v1' + path, init);
  } catch {
    throw new ApiError(0, { error: { code: 'network', message_zh: t('common.network'), message_en: t('common.network') } });
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.status >= 400) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && !opts.noRedirect) {
      forgetUser();
      toLogin();
    }
    throw err;
  }
  return { status: res.status, data, headers: res.headers };
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, body, opts = {}) => request('POST', path, Object.assign({}, opts, { body }));
export const put = (path, body, opts = {}) => request('PUT', path, Object.assign({}, opts, { body }));
export const patch = (path, body, opts = {}) => request('PATCH', path, Object.assign({}, opts, { body }));
export const del = (path, opts) => request('DELETE', path, opts);

// signOut ends the session on the server (which clears both cookies) and
// forgets the account here.
export async function signOut() {
  leaving = true;
  try {
    await post('/auth/logout', undefined, { noRedirect: true });
  } catch {
    // already ended, or the server is away: the page forgets the account anyway
  }
  forgetUser();
}

// leaving is set once the page is on its way elsewhere (signing out, or already
// sent to sign in): a request that fails with 401 meanwhile must not start a
// second navigation.
let leaving = false;

// toLogin sends the visitor to sign in, and back to this page afterwards.
export function toLogin() {
  if (leaving) return;
  leaving = true;
  const next = location.pathname + location.search;
  location.assign('/app/login?next=' + encodeURIComponent(next));
}

// query builds "?a=1&b=2" from the non-empty values of obj.
export function query(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

// authHeaders are the headers a raw fetch (a file download) needs: none with the
// session cookie, the bearer token on a server without cookie sessions.
export function authHeaders() {
  return bearer() && !csrf() ? { Authorization: 'Bearer ' + bearer() } : {};
}
