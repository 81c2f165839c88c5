// Helpers shared by the district manager's pages (名册, 批量导入, 科技型中小企业预评估,
// 目标监测): the words of those pages, file downloads and uploads through the API,
// and which districts the viewer may choose.

import { currentUser, token, ApiError } from './api.js';
import { el } from './ui.js';

// Words of the manager's pages, one object per language; fill() puts {name}
// values in. (They move to web/i18n/desk.*.json with the words catalogue.)
export const words = { zh: {}, en: {} };

export function addWords(zh, en) {
  Object.assign(words.zh, zh);
  Object.assign(words.en, en);
}

export function w(key, vars) {
  let s = words.zh[key];
  if (s === undefined) s = words.en[key] !== undefined ? words.en[key] : key;
  return fill(s, vars);
}

export function fill(s, vars) {
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined || vars[k] === null ? m : String(vars[k])));
}

// authHeaders are what a raw fetch to the API needs to be the signed-in viewer.
function authHeaders() {
  const h = { Accept: 'application/json, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  const tok = token();
  if (tok) h.Authorization = 'Bearer ' + tok;
  return h;
}

async function apiError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  return new ApiError(res.status, body);
}

// fetchFile sends one API call whose answer is a file and saves it under the
// server's file name (or fallback). form, if given, is sent as multipart.
export async function fetchFile(method, path, fallback, form) {
  let res;
  try {
    res = await fetch('/api/v1' + path, { method, headers: authHeaders(), body: form || undefined });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message_zh: '无法连接服务器，请检查网络后重试', message_en: 'cannot reach the server' } });
  }
  if (!res.ok) throw await apiError(res);
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  const url = URL.createObjectURL(await res.blob());
  const a = el('a', { href: url, download: m ? m[1] : fallback, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return res;
}

// postForm sends multipart form data and returns {status, data}: unlike
// request(), a 422 with a report in its body is returned, not thrown.
export async function postForm(path, form, keep = [422]) {
  let res;
  try {
    res = await fetch('/api/v1' + path, { method: 'POST', headers: authHeaders(), body: form });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message_zh: '无法连接服务器，请检查网络后重试', message_en: 'cannot reach the server' } });
  }
  if (res.status >= 400 && !keep.includes(res.status)) throw await apiError(res);
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  return { status: res.status, data };
}

// myDistricts is the districts the viewer may pick: a manager's own, everyone's
// for an admin (the catalogue's list), in the catalogue's order.
export function myDistricts(cat) {
  const u = currentUser();
  if (u && u.role === 'manager') return cat.districts.filter((d) => (u.districts || []).includes(d.code));
  return cat.districts;
}

// errText is what a failed call shows: the API's Chinese message.
export function errText(err) {
  return err instanceof ApiError ? err.zh : String(err);
}
