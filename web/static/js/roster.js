// 资料名册: a district manager's roster — every kind of profile in their districts
// (an admin's: every district), with filters, paging, a link to each profile (and
// a startup's tech-SME pre-assessment) and an export of what the filters show.

import { get, query } from './api.js';
import { catalog, clear, el, nameOf, profileHref, setupPage } from './ui.js';
import { addWords, errText, fetchFile, myDistricts, w } from './desk.js';

addWords({
  'roster.count': '共 {n} 条',
  'roster.none': '没有符合条件的资料。',
  'roster.page': '第 {from}–{to} 条，共 {n} 条',
  'roster.techsme': '科技型中小企业预评估',
  'roster.updated': '更新于 {date}',
  'roster.kind_count': '{kind} {n}',
  'roster.export_failed': '导出失败：{msg}',
  'roster.mine': '本人辖区',
  'roster.all_districts': '全部区县',
}, {
  'roster.count': '{n} in all',
  'roster.none': 'No profile matches.',
  'roster.page': '{from}–{to} of {n}',
  'roster.techsme': 'Tech-SME pre-assessment',
  'roster.updated': 'updated {date}',
  'roster.kind_count': '{kind} {n}',
  'roster.export_failed': 'Export failed: {msg}',
  'roster.mine': 'My districts',
  'roster.all_districts': 'All districts',
});

const me = setupPage();
const cat = await catalog();
const PAGE = 50;

const form = document.getElementById('r-form');
const sel = (id) => document.getElementById(id);
const kindSel = sel('r-kind');
const chainSel = sel('r-chain');
const segSel = sel('r-segment');
const stageSel = sel('r-stage');
const distSel = sel('r-district');
const qIn = sel('r-q');
const errBox = sel('r-error');
const list = sel('r-list');

for (const k of cat.kinds) kindSel.append(el('option', { value: k.code, text: k.zh }));
for (const c of cat.chains) chainSel.append(el('option', { value: c.code, text: c.zh }));
for (const s of cat.lists.stages || []) stageSel.append(el('option', { value: s.code, text: s.zh }));
distSel.options[0].textContent = me && me.role === 'admin' ? w('roster.all_districts') : w('roster.mine');
for (const d of myDistricts(cat)) distSel.append(el('option', { value: d.code, text: d.zh }));

// Segments come from the chain map, for the chain chosen.
let chains = [];
try {
  chains = ((await get('/chains')).data || {}).items || [];
} catch {
  chains = [];
}
function fillSegments(keep) {
  clear(segSel);
  segSel.append(el('option', { value: '', text: '全部环节' }));
  const ch = chains.find((c) => c.code === chainSel.value);
  for (const s of (ch && ch.segments) || []) segSel.append(el('option', { value: s.code, text: s.zh }));
  segSel.disabled = !ch;
  segSel.value = keep || '';
}

const params = new URLSearchParams(location.search);
kindSel.value = params.get('kind') || '';
chainSel.value = params.get('chain') || '';
fillSegments(params.get('segment') || '');
stageSel.value = params.get('stage') || '';
distSel.value = params.get('district') || '';
qIn.value = params.get('q') || '';
let offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);

chainSel.addEventListener('change', () => fillSegments(''));

function filters() {
  return { kind: kindSel.value, chain: chainSel.value, segment: segSel.value, stage: stageSel.value, district: distSel.value, q: qIn.value.trim() };
}

function subline(it) {
  const parts = [nameOf(cat, 'kind', it.kind), nameOf(cat, 'district', it.district || '')];
  if (it.chains && it.chains.length) parts.push(it.chains.map((c) => nameOf(cat, 'chain', c)).join('、'));
  if (it.stage) parts.push(nameOf(cat, 'stages', it.stage));
  if (it.type) {
    const list = { investor: 'investor_types', carrier: 'carrier_types', provider: 'provider_types' }[it.kind];
    parts.push(list ? nameOf(cat, list, it.type) : it.type);
  }
  if (it.status) parts.push(nameOf(cat, 'startup_statuses', it.status));
  return parts.filter(Boolean).join(' · ');
}

function item(it) {
  const li = el('li', { class: 'ritem', dataset: { id: it.id, kind: it.kind } },
    el('a', { class: 'rname', href: profileHref(it.kind, it.id), text: it.name }),
    el('span', { class: 'muted small', text: subline(it) }));
  if (it.kind === 'startup') li.append(el('a', { class: 'small rtech', href: '/app/techsme?id=' + encodeURIComponent(it.id), text: w('roster.techsme') }));
  if (it.updated_at) {
    const day = new Date(it.updated_at).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
    li.append(el('span', { class: 'muted small rdate', text: w('roster.updated', { date: day }) }));
  }
  return li;
}

async function run() {
  errBox.textContent = '';
  const f = filters();
  history.replaceState(null, '', location.pathname + query(Object.assign({}, f, { offset: offset || '' })));
  let r;
  try {
    r = (await get('/roster' + query(Object.assign({}, f, { limit: PAGE, offset })))).data;
  } catch (err) {
    errBox.textContent = errText(err);
    return;
  }
  clear(list);
  for (const it of r.items) list.append(item(it));
  if (!r.items.length) list.append(el('li', { class: 'muted', text: w('roster.none') }));
  sel('r-count').textContent = w('roster.count', { n: r.total });
  const kinds = sel('r-kinds');
  clear(kinds);
  for (const k of cat.kinds) {
    const n = (r.kinds || {})[k.code] || 0;
    if (!n) continue;
    const b = el('button', { type: 'button', class: 'facetbtn' + (f.kind === k.code ? ' on' : ''), dataset: { kind: k.code } },
      k.zh, el('span', { class: 'count', text: String(n) }));
    b.addEventListener('click', () => {
      kindSel.value = f.kind === k.code ? '' : k.code;
      offset = 0;
      run();
    });
    kinds.append(b);
  }
  sel('r-page').textContent = r.total ? w('roster.page', { from: r.offset + 1, to: r.offset + r.items.length, n: r.total }) : '';
  sel('r-prev').hidden = r.offset === 0;
  sel('r-next').hidden = r.offset + r.items.length >= r.total;
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  offset = 0;
  run();
});
sel('r-prev').addEventListener('click', () => {
  offset = Math.max(0, offset - PAGE);
  run();
});
sel('r-next').addEventListener('click', () => {
  offset += PAGE;
  run();
});
sel('r-export').addEventListener('click', async () => {
  errBox.textContent = '';
  try {
    await fetchFile('GET', '/roster/export' + query(filters()), 'roster.xlsx');
  } catch (err) {
    errBox.textContent = w('roster.export_failed', { msg: errText(err) });
  }
});
run();
