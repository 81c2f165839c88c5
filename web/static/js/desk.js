// Helpers shared by the district manager's pages (名册, 批量导入, 目标监测): file
// downloads and uploads through the API with the viewer's session, and which
// districts the viewer may choose.

import { authHeaders, csrf, currentUser, ApiError } from './api.js';
import { t } from './i18n.js';
import { el } from './ui.js';

// headers are what a raw fetch to the API needs to be the signed-in viewer: the
// session cookie goes by itself, the CSRF token for a POST, or the bearer token
// on a server without cookie sessions.
function headers(method) {
  const h = Object.assign({ Accept: 'application/json' }, authHeaders());
  if (method !== 'GET' && csrf()) h['X-CSRF-Token'] = csrf();
  return h;
}

function networkError() {
  return new ApiError(0, { error: { code: 'network', message_zh: t('common.network'), message_en: t('common.network') } });
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
    res = await fetch('/api/v1' + path, { method, headers: headers(method), body: form || undefined, credentials: 'same-origin' });
  } catch {
    throw networkError();
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
// request(), a status in keep (422: a report of rows not written) is returned,
// not thrown.
export async function postForm(path, form, keep = [422]) {
  let res;
  try {
    res = await fetch('/api/v1' + path, { method: 'POST', headers: headers('POST'), body: form, credentials: 'same-origin' });
  } catch {
    throw networkError();
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

// myDistricts is the districts the viewer may pick: a manager's own (none for a
// manager of no district), every one for an admin, in the catalogue's order.
export function myDistricts(cat) {
  const u = currentUser();
  if (u && u.role === 'manager') return cat.districts.filter((d) => (u.districts || []).includes(d.code));
  return cat.districts;
}
