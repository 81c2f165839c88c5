// 合并重复资料 (managers and admins): pick the profile to keep and its duplicate,
// read what the merge would move and what blocks it (POST /merges/preview), then
// confirm (POST /merges with the versions previewed). Below, the district's
// merges so far (GET /merges).

import { get, post, query, ApiError } from './api.js';
import { has, msg, t } from './i18n.js';
import { clear, el, errText, profileHref, setupPage } from './ui.js';

const me = setupPage();
const form = document.getElementById('mg-form');
const kindSel = document.getElementById('mg-kind');
const errBox = document.getElementById('mg-error');
const planBox = document.getElementById('mg-plan');
const pick = document.getElementById('mg-pick');
const chosen = { keep: null, drop: null };
const params = new URLSearchParams(location.search);

// actionName is what happens to one introduction (merge.action.<code>); an
// action the catalogue does not know shows as its code.
function actionName(code) {
  return has('merge.action.' + code) ? t('merge.action.' + code) : code;
}

// stateName is an introduction state's name (intros.state.<code>) or the code.
function stateName(code) {
  return has('intros.state.' + code) ? t('intros.state.' + code) : code;
}

// fill is text with each {slot} replaced by the node given for it.
function fill(text, nodes) {
  const out = [];
  for (const part of text.split(/(\{[a-z_]+\})/)) {
    const k = part.startsWith('{') && part.endsWith('}') ? part.slice(1, -1) : null;
    if (k && nodes[k]) out.push(nodes[k]);
    else if (part) out.push(part);
  }
  return out;
}

function showError(err) {
  errBox.textContent = err instanceof ApiError ? errText(err) : String(err);
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
  box.append(el('h3', {}, side === 'keep' ? t('merge.keep') : t('merge.drop')));
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
  return el('div', {}, el('h3', {}, title), list.length ? ul : el('p', { class: 'muted', text: t('merge.none') }));
}

function renderPlan(p) {
  clear(planBox);
  planBox.hidden = false;
  planBox.append(el('h2', {}, t('merge.plan.title')),
    el('p', {}, ...fill(t('merge.plan.pair'), {
      keep: el('a', { href: profileHref(p.kind, p.keep.id), text: p.keep.name }),
      drop: el('a', { href: profileHref(p.kind, p.drop.id), text: p.drop.name }),
    })));
  if (p.blockers.length) {
    planBox.append(items(t('merge.plan.blocked'), p.blockers, (b) => [el('span', { class: 'err', text: msg(b) })]));
  }
  planBox.append(
    items(t('merge.plan.introductions'), p.introductions, (m) => [el('span', { text: stateName(m.state) + ' · ' }), el('span', { text: actionName(m.action) })]),
    el('p', {}, t('merge.plan.mentor_services', { n: p.mentor_services })),
    items(t('merge.plan.profiles'), p.profiles, (x) => [el('a', { href: profileHref(x.kind, x.id), text: x.name })]),
  );
  if (p.credit_code) planBox.append(el('p', {}, t('merge.plan.credit_code', { code: p.credit_code })));
  if (p.history.length) planBox.append(items(t('merge.plan.history'), p.history, (h) => [el('span', { text: msg(h) })]));
  if (!p.can_merge) return;
  const go = el('button', { type: 'button', id: 'mg-confirm' }, t('merge.confirm'));
  go.addEventListener('click', async () => {
    go.disabled = true;
    errBox.textContent = '';
    try {
      await post('/merges', { kind: p.kind, keep_id: p.keep.id, drop_id: p.drop.id, version_keep: p.keep.version, version_drop: p.drop.version });
      clear(planBox);
      planBox.append(el('p', { class: 'ok', role: 'status' }, t('merge.done', { drop: p.drop.name, keep: p.keep.name })));
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
    errBox.textContent = t('merge.pick_both');
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
    if (!list.length) box.append(el('p', { class: 'muted', text: t('merge.log_empty') }));
    for (const m of list) {
      box.append(el('p', {}, el('span', { text: m.at.slice(0, 10) + ' ' + m.drop_name + ' → ' }),
        el('a', { href: profileHref(m.kind, m.keep_id), text: m.keep_name }),
        el('small', { class: 'muted', text: ' ' + (m.state === 'done' ? t('merge.state.done') : t('merge.state.running')) })));
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
  errBox.textContent = t('merge.only_managers');
}
