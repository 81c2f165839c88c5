// 对接: introductions received (inbox) and sent (outbox). Only the receiving side
// accepts or declines; the asking side may withdraw while one is pending. Contacts
// show on the profile pages once an introduction is accepted.

import { get, post, query, ApiError } from './api.js';
import { bi, catalog, clear, el, nameOf, profileHref, setupPage } from './ui.js';

const user = setupPage();
const cat = await catalog();

const list = document.getElementById('intros');
const errBox = document.getElementById('intros-error');
const tabs = document.getElementById('boxes');

const stateName = { pending: ['待回复', 'pending'], accepted: ['已接受', 'accepted'], declined: ['已婉拒', 'declined'],
  withdrawn: ['已撤回', 'withdrawn'], expired: ['已过期', 'expired'] };

// names caches profile names: a list carries only references.
const names = new Map();

async function nameFor(ref) {
  const key = ref.kind + '/' + ref.id;
  if (!names.has(key)) {
    names.set(key, get('/' + cat.path[ref.kind] + '/' + ref.id).then((r) => r.data.name, () => ref.id));
  }
  return names.get(key);
}

async function act(item, action, btn) {
  btn.disabled = true;
  try {
    await post('/introductions/' + item.id + '/' + action, undefined);
    await load(currentBox);
  } catch (err) {
    btn.disabled = false;
    errBox.textContent = err instanceof ApiError ? err.zh : String(err);
  }
}

let currentBox = 'inbox';

async function load(box) {
  currentBox = box;
  for (const b of tabs.querySelectorAll('[data-box]')) b.setAttribute('aria-selected', b.dataset.box === box ? 'true' : 'false');
  errBox.textContent = '';
  let r;
  try {
    r = await get('/introductions' + query({ box, limit: 50 }));
  } catch (err) {
    clear(list);
    if (err instanceof ApiError && err.status === 404) {
      list.append(el('li', { class: 'card closed' }, bi('暂未开放', 'Not available yet')));
      return;
    }
    errBox.textContent = err instanceof ApiError ? err.zh : String(err);
    return;
  }
  const items = r.data.items || [];
  const rows = await Promise.all(items.map(async (it) => {
    const [from, to] = await Promise.all([nameFor(it.from), nameFor(it.to)]);
    const st = stateName[it.state] || [it.state, ''];
    const actions = el('div', { class: 'actions' });
    const mine = user && (it.recipients || []).includes(user.id) && !(it.accepted_by || []).includes(user.id);
    if (it.state === 'pending' && box === 'inbox' && mine) {
      const ok = el('button', { type: 'button', text: '接受' });
      const no = el('button', { type: 'button', class: 'secondary', text: '婉拒' });
      ok.addEventListener('click', () => act(it, 'accept', ok));
      no.addEventListener('click', () => act(it, 'decline', no));
      actions.append(ok, no);
    }
    if (it.state === 'pending' && box === 'outbox') {
      const wd = el('button', { type: 'button', class: 'secondary', text: '撤回' });
      wd.addEventListener('click', () => act(it, 'withdraw', wd));
      actions.append(wd);
    }
    return el('li', { class: 'card intro', dataset: { id: it.id, state: it.state } },
      el('div', { class: 'bar' },
        el('div', {},
          el('a', { href: profileHref(it.from.kind, it.from.id), text: from }),
          el('span', { class: 'muted', text: ' → ' }),
          el('a', { href: profileHref(it.to.kind, it.to.id), text: to })),
        el('span', { class: 'status ' + it.state }, bi(st[0], st[1]))),
      it.message ? el('p', { class: 'summary', text: it.message }) : null,
      el('p', { class: 'muted small', text: nameOf(cat, 'kind', it.from.kind) + ' → ' + nameOf(cat, 'kind', it.to.kind) + ' · ' + String(it.created_at || '').slice(0, 10) }),
      actions);
  }));
  clear(list);
  if (!rows.length) list.append(el('li', { class: 'muted', text: box === 'inbox' ? '暂无收到的对接请求。' : '暂无发出的对接请求。' }));
  for (const row of rows) list.append(row);
}

for (const b of tabs.querySelectorAll('[data-box]')) b.addEventListener('click', () => load(b.dataset.box));
load('inbox');
