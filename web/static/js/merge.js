// 合并重复资料 (managers and admins): pick the profile to keep and its duplicate,
// read what the merge would move and what blocks it (POST /merges/preview), then
// confirm (POST /merges with the versions previewed). Below, the district's
// merges so far (GET /merges).

import { get, post, query, ApiError } from './api.js';
import { bi, clear, el, profileHref, setupPage } from './ui.js';

const me = setupPage();
const form = document.getElementById('mg-form');
const kindSel = document.getElementById('mg-kind');
const errBox = document.getElementById('mg-error');
const planBox = document.getElementById('mg-plan');
const pick = document.getElementById('mg-pick');
const chosen = { keep: null, drop: null };
const params = new URLSearchParams(location.search);

const actionName = {
  move: ['移到保留的资料', 'moves to the profile kept'],
  close: ['关闭（保留的资料已与对方对接），作为记录移动', 'closes (the kept profile has this pair already) and moves as history'],
  close_kept: ['保留资料的这条关闭（并入资料的对接更早或已接受）', "the kept profile's closes (the other is older or accepted)"],
  close_self: ['两份资料之间的对接：关闭，留作记录', 'between the two duplicates: closes, stays as history'],
};

function showError(err) {
  errBox.textContent = err instanceof ApiError ? err.zh + (err.en ? ' / ' + err.en : '') : String(err);
}

async function search(side) {
  const q = document.getElementById('mg-' + side + '-q').value.trim();
  const box = document.getElementById('mg-' + side + '-hits');
  if (!q) {
    clear(box);
    return;
  }
  const r = await get('/search' + query({ q, kind: kindSel.value, limit: 8 }));
  clear(box);
  pick.hidden = false;
  box.append(el('h3', {}, side === 'keep' ? bi('保留的资料', 'Keep') : bi('并入的资料', 'Merge away')));
  for (const it of r.data.items || []) {
    const b = el('button', { type: 'button', class: 'link', text: it.name });
    b.addEventListener('click', () => {
      chosen[side] = it.id;
      document.getElementById('mg-' + side + '-q').value = it.name;
      clear(box);
    });
    box.append(el('p', {}, b));
  }
}

for (const side of ['keep', 'drop']) {
  const input = document.getElementById('mg-' + side + '-q');
  input.addEventListener('change', () => {
    chosen[side] = null;
    search(side).catch(showError);
  });
}

function items(title, list, line) {
  const ul = el('ul');
  for (const x of list) ul.append(el('li', {}, ...line(x)));
  return el('div', {}, el('h3', {}, title), list.length ? ul : el('p', { class: 'muted', text: '无 · none' }));
}

function renderPlan(p) {
  clear(planBox);
  planBox.hidden = false;
  planBox.append(el('h2', {}, bi('合并预览', 'Preview')),
    el('p', {}, '保留 ', el('a', { href: profileHref(p.kind, p.keep.id), text: p.keep.name }), '，并入 ',
      el('a', { href: profileHref(p.kind, p.drop.id), text: p.drop.name })));
  if (p.blockers.length) {
    planBox.append(items(bi('不能合并', 'Blocked'), p.blockers, (b) => [el('span', { class: 'err', text: b.zh }), el('small', { class: 'en block', text: b.en })]));
  }
  planBox.append(
    items(bi('对接', 'Introductions'), p.introductions, (m) => {
      const n = actionName[m.action] || [m.action, ''];
      return [el('span', { text: m.state + ' · ' }), el('span', { text: n[0] }), el('small', { class: 'en block', text: n[1] })];
    }),
    el('p', {}, bi('导师辅导记录：' + p.mentor_services + ' 条', 'Mentor sessions: ' + p.mentor_services)),
    items(bi('引用并入资料的资料', 'Profiles naming it'), p.profiles, (x) => [el('a', { href: profileHref(x.kind, x.id), text: x.name })]),
  );
  if (p.credit_code) planBox.append(el('p', {}, bi('统一社会信用代码移到保留的资料：' + p.credit_code, 'The credit code moves to the profile kept')));
  if (p.history.length) planBox.append(items(bi('保留为记录', 'Kept as history'), p.history, (h) => [el('span', { text: h.zh }), el('small', { class: 'en block', text: h.en })]));
  if (!p.can_merge) return;
  const go = el('button', { type: 'button', id: 'mg-confirm' }, bi('确认合并', 'Merge'));
  go.addEventListener('click', async () => {
    go.disabled = true;
    errBox.textContent = '';
    try {
      await post('/merges', { kind: p.kind, keep_id: p.keep.id, drop_id: p.drop.id, version_keep: p.keep.version, version_drop: p.drop.version });
      clear(planBox);
      planBox.append(el('p', { class: 'ok', role: 'status' }, bi('已合并：' + p.drop.name + ' 并入 ' + p.keep.name, 'Merged')));
      loadLog();
    } catch (err) {
      go.disabled = false;
      showError(err);
    }
  });
  planBox.append(go);
  go.focus();
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  errBox.textContent = '';
  if (!chosen.keep || !chosen.drop) {
    errBox.textContent = '请先在两个查找框中各选一份资料 / pick both profiles first';
    return;
  }
  try {
    const r = await post('/merges/preview', { kind: kindSel.value, keep_id: chosen.keep, drop_id: chosen.drop });
    renderPlan(r.data);
  } catch (err) {
    showError(err);
  }
});

async function loadLog() {
  const box = document.getElementById('mg-log-list');
  clear(box);
  try {
    const r = await get('/merges');
    const list = r.data.items || [];
    if (!list.length) box.append(el('p', { class: 'muted', text: '尚无合并 · none yet' }));
    for (const m of list) {
      box.append(el('p', {}, el('span', { text: m.at.slice(0, 10) + ' ' + m.drop_name + ' → ' }),
        el('a', { href: profileHref(m.kind, m.keep_id), text: m.keep_name }),
        el('small', { class: 'muted', text: ' ' + (m.state === 'done' ? '已完成' : '进行中') })));
    }
  } catch (err) {
    showError(err);
  }
}

if (me && (me.role === 'manager' || me.role === 'admin')) {
  if (params.get('kind')) kindSel.value = params.get('kind');
  for (const side of ['keep', 'drop']) {
    if (params.get(side)) {
      chosen[side] = params.get(side);
      document.getElementById('mg-' + side + '-q').value = params.get(side);
    }
  }
  loadLog();
} else if (me) {
  form.hidden = true;
  errBox.textContent = '只有区县管理员和系统管理员可以合并重复资料 / only managers and admins merge duplicates';
}
