// 资料名册: a district manager's roster — every kind of profile in their districts
// (an admin's: every district), with filters, paging, a link to each profile (and
// a startup's tech-SME pre-assessment) and an export of what the filters show.

import { get, query } from './api.js';
import { catalog, clear, el, errText, label, nameOf, profileHref, setupPage } from './ui.js';
import { fetchFile, myDistricts } from './desk.js';
import { t } from './i18n.js';


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

for (const k of cat.kinds) kindSel.append(el('option', { value: k.code, text: label(k) }));
for (const c of cat.chains) chainSel.append(el('option', { value: c.code, text: label(c) }));
for (const s of cat.lists.stages || []) stageSel.append(el('option', { value: s.code, text: label(s) }));
distSel.options[0].textContent = me && me.role === 'admin' ? t('desk.roster.all_districts') : t('desk.roster.mine');
for (const d of myDistricts(cat)) distSel.append(el('option', { value: d.code, text: label(d) }));

// Segments come from the chain map, for the chain chosen.
let chains = [];
try {
  chains = ((await get('/chains')).data || {}).items || [];
} catch {
  chains = [];
}
function fillSegments(keep) {
  clear(segSel);
  segSel.append(el('option', { value: '', text: t('desk.roster.all_segments') }));
  const ch = chains.find((c) => c.code === chainSel.value);
  for (const s of (ch && ch.segments) || []) segSel.append(el('option', { value: s.code, text: label(s) }));
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
  if (it.kind === 'startup') li.append(el('a', { class: 'small rtech', href: '/app/techsme?id=' + encodeURIComponent(it.id), text: t('desk.roster.techsme') }));
  if (it.updated_at) {
    const day = new Date(it.updated_at).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
    li.append(el('span', { class: 'muted small rdate', text: t('desk.roster.updated', { date: day }) }));
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
  if (!r.items.length) list.append(el('li', { class: 'muted', text: t('desk.roster.none') }));
  sel('r-count').textContent = t('desk.roster.count', { n: r.total });
  const kinds = sel('r-kinds');
  clear(kinds);
  for (const k of cat.kinds) {
    const n = (r.kinds || {})[k.code] || 0;
    if (!n) continue;
    const b = el('button', { type: 'button', class: 'facetbtn' + (f.kind === k.code ? ' on' : ''), dataset: { kind: k.code } },
      label(k), el('span', { class: 'count', text: String(n) }));
    b.addEventListener('click', () => {
      kindSel.value = f.kind === k.code ? '' : k.code;
      offset = 0;
      run();
    });
    kinds.append(b);
  }
  sel('r-page').textContent = r.total ? t('desk.roster.page', { from: r.offset + 1, to: r.offset + r.items.length, n: r.total }) : '';
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
    await fetchFile('GET', '/roster/export' + query(filters()), 'desk.roster.xlsx');
  } catch (err) {
    errBox.textContent = t('desk.roster.export_failed', { msg: errText(err) });
  }
});
run();
