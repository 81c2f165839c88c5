// 资料详情与匹配: one profile, and for those who may act for it (its owner, the
// district's managers, admins) the profiles that fit it best, each with a score
// bar and the reasons behind the score, and a button that asks for an introduction.

import { get, post, query, ApiError } from './api.js';
import { fieldsOf } from './fields.js';
import { bi, catalog, clear, el, flash, nameOf, profileHref, setupPage } from './ui.js';

const user = setupPage();
const cat = await catalog();

const params = new URLSearchParams(location.search);
const kind = params.get('kind') || '';
const id = params.get('id') || '';
const detail = document.getElementById('detail');
const card = document.getElementById('matches-card');
const tabs = document.getElementById('targets');
const list = document.getElementById('matches');
const mErr = document.getElementById('matches-error');

// targets mirrors the matching rules: every pair has a startup on one side, and
// providers look for no one.
const targets = {
  startup: ['investor', 'mentor', 'carrier', 'enclave', 'provider'],
  investor: ['startup'], mentor: ['startup'], carrier: ['startup'], enclave: ['startup'],
};

const listFor = { district: 'district', home_district: 'district', chains: 'chain', regions: 'district', stage: 'stages', stages: 'stages',
  status: 'startup_statuses', level: 'levels', host_region: 'host_regions', 'needs.funding_kinds': 'funding_kinds', instruments: 'funding_kinds',
  'needs.services': 'need_services', services: 'offer_services' };
const typeList = { investor: 'investor_types', carrier: 'carrier_types', provider: 'provider_types' };

function show(p, f) {
  const v = f.name.split('.').reduce((o, k) => (o == null ? o : o[k]), p);
  if (v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && !v.length)) return null;
  const l = f.name === 'type' ? typeList[p.kind] : listFor[f.name];
  if (Array.isArray(v)) return v.map((x) => (l ? nameOf(cat, l, x) : x)).join('、');
  if (v === true) return '是';
  return l ? nameOf(cat, l, v) : String(v);
}

function renderDetail(p) {
  clear(detail);
  document.title = p.name + ' · 孵化对接';
  const head = el('div', { class: 'bar' },
    el('h2', {}, el('span', { class: 'badge', text: nameOf(cat, 'kind', p.kind) }), ' ', el('span', { id: 'profile-name', text: p.name })));
  // The API decides who may edit; the button shows for those it would let in.
  if (user && (p.owner_id === user.id || user.role === 'admin' || (user.role === 'manager' && (user.districts || []).includes(p.district)))) {
    head.append(el('a', { class: 'button secondary', href: '/app/me' + query({ kind: p.kind, edit: p.id }), text: '编辑' }));
    if (['startup', 'carrier', 'enclave'].includes(p.kind)) {
      head.append(' ', el('a', { class: 'button secondary', id: 'policies-link', href: '/app/policies' + query({ kind: p.kind, id: p.id }), text: '政策匹配' }));
    }
  }
  detail.append(head);
  if (p.summary) detail.append(el('p', { class: 'summary', text: p.summary }));
  const dl = el('dl', { class: 'facts' });
  for (const f of fieldsOf(p.kind)) {
    if (f.group || f.name === 'name' || f.name === 'summary') continue;
    const s = show(p, f);
    if (s === null) continue;
    dl.append(el('dt', {}, bi(f.zh, f.en)), el('dd', { text: s }));
  }
  detail.append(dl);
  if (!p.contact) detail.append(el('p', { class: 'hint', text: '联系方式在对接被接受后可见。' }));
}

// scoreBar draws the score as a bar. Its width is set through the CSSOM, which the
// content security policy allows (a style attribute it would refuse).
function scoreBar(score) {
  const pct = Math.max(0, Math.min(100, Math.round(score)));
  const fill = el('span', { class: 'fill' });
  fill.style.width = pct + '%';
  return el('div', { class: 'scorebox', title: '匹配度 ' + pct + ' / 100' },
    el('span', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': '匹配度' }, fill),
    el('span', { class: 'scorenum', text: String(pct) }));
}

async function askIntro(p, m, btn) {
  btn.disabled = true;
  try {
    await post('/introductions', { from: { kind: p.kind, id: p.id }, to: { kind: m.kind, id: m.id }, message: '' });
    btn.textContent = '已发出对接请求';
  } catch (err) {
    btn.disabled = false;
    flash(err instanceof ApiError ? err.zh : String(err), 'warn');
  }
}

async function loadMatches(p, target) {
  for (const b of tabs.children) b.setAttribute('aria-selected', b.dataset.target === target ? 'true' : 'false');
  clear(list);
  mErr.textContent = '';
  let r;
  try {
    r = await get('/' + cat.path[p.kind] + '/' + p.id + '/matches' + query({ target, limit: 10 }));
  } catch (err) {
    mErr.textContent = err instanceof ApiError ? err.zh : String(err);
    return;
  }
  const items = r.data.items || [];
  if (!items.length) list.append(el('li', { class: 'muted', text: '暂无合适的匹配。补充产业链、简介和需求后再试。' }));
  for (const m of items) {
    const reasons = el('ul', { class: 'reasons' });
    for (const rs of m.reasons || []) {
      reasons.append(el('li', { title: rs.en || '' },
        el('span', { class: 'weight', text: (rs.weight > 0 ? '+' : '') + rs.weight }), ' ', el('span', { text: rs.zh })));
    }
    const ask = el('button', { type: 'button', class: 'secondary small', text: '请求对接' });
    ask.addEventListener('click', () => askIntro(p, m, ask));
    list.append(el('li', { class: 'match', dataset: { id: m.id } },
      el('div', { class: 'match-head' },
        el('span', { class: 'badge', text: nameOf(cat, 'kind', m.kind) }),
        el('a', { href: profileHref(m.kind, m.id), class: 'match-name', text: m.name }),
        scoreBar(m.score), ask),
      reasons));
  }
}

async function main() {
  if (!cat.path[kind] || !/^[0-9a-f]{24}$/.test(id)) {
    clear(detail);
    detail.append(el('p', { class: 'err', text: '链接无效：缺少资料类型或 ID。' }));
    return;
  }
  let p;
  try {
    p = (await get('/' + cat.path[kind] + '/' + id)).data;
  } catch (err) {
    clear(detail);
    detail.append(el('p', { class: 'err', text: err instanceof ApiError ? err.zh : String(err) }));
    return;
  }
  renderDetail(p);
  const ts = targets[p.kind] || [];
  if (!ts.length) return;
  card.hidden = false;
  for (const t of ts) {
    const b = el('button', { type: 'button', role: 'tab', dataset: { target: t }, text: nameOf(cat, 'kind', t) });
    b.addEventListener('click', () => loadMatches(p, t));
    tabs.append(b);
  }
  await loadMatches(p, ts[0]);
}

main();
