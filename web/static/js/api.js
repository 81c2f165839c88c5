// Calls to the JSON API. The bearer token lives in sessionStorage: it dies with the
// tab, and no cookie is involved, so no request can be forged from another site.

const TOKEN = 'fuhua.token';
const USER = 'fuhua.user';

export function token() {
  return sessionStorage.getItem(TOKEN) || '';
}

export function currentUser() {
  try {
    return JSON.parse(sessionStorage.getItem(USER) || 'null');
  } catch {
    return null;
  }
}

export function signIn(tok, user) {
  sessionStorage.setItem(TOKEN, tok);
  sessionStorage.setItem(USER, JSON.stringify(user || null));
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(USER);
}

// ApiError carries the API's error body: code, the field at fault, and the
// messages in both languages. status 0 means the server could not be reached.
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message_zh || e.message || ('请求失败（' + status + '）'));
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
    this.zh = e.message_zh || e.message || this.message;
    this.en = e.message_en || '';
  }
}

// request sends one API call and returns {status, data, headers}. Any status of
// 400 or more throws an ApiError; a 401 also forgets the token, since it is no
// longer good, and sends the visitor to the sign-in page unless opts.noRedirect.
export async function request(method, path, opts = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
  const tok = token();
  if (tok) headers.Authorization = 'Bearer ' + tok;
  const init = { method, headers };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch('/api/v1' + path, init);
  } catch {
    throw new ApiError(0, { error: { code: 'network', message_zh: '无法连接服务器，请检查网络后重试', message_en: 'cannot reach the server' } });
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
      signOut();
      toLogin();
    }
    throw err;
  }
  return { status: res.status, data, headers: res.headers };
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, body, opts = {}) => request('POST', path, Object.assign({}, opts, { body }));
export const patch = (path, body, opts = {}) => request('PATCH', path, Object.assign({}, opts, { body }));

export function toLogin() {
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
