// 目标监测: the plan's indicators for a year. Each indicator is a card with a chart
// drawn here as SVG (no chart library): one bar per scope (the city, the districts)
// showing how much of its target the actual reaches, a tick where the straight line
// through the period says it should be by now, and the figures beside it. Every
// actual links to the firms, carriers or enclaves behind it. A manager sees and
// may choose only their own districts.

import { get, query, ApiError } from './api.js';
import { catalog, clear, el, errText, label, nameOf, profileHref, setupPage } from './ui.js';
import { fetchFile, myDistricts } from './desk.js';
import { lang, msg, t } from './i18n.js';


const me = setupPage();
const cat = await catalog();
const $ = (id) => document.getElementById(id);
const out = $('kpi');
const errBox = $('kpi-error');
const yearSel = $('k-year');
const distSel = $('k-district');
const params = new URLSearchParams(location.search);

const thisYear = new Date().getFullYear();
for (let y = Math.max(thisYear, 2025); y >= 2023; y--) yearSel.append(el('option', { value: String(y), text: t('desk.kpi.year', { y }) }));
const mine = myDistricts(cat);
distSel.options[0].textContent = me && me.role === 'manager' ? t('desk.kpi.mine') : t('desk.kpi.all');
if (!(me && me.role === 'manager' && mine.length === 1)) {
  for (const d of mine) distSel.append(el('option', { value: d.code, text: label(d) }));
} else {
  distSel.options[0].textContent = label(mine[0]);
}
yearSel.value = params.get('year') || String(Math.min(Math.max(thisYear, 2023), 2025));
distSel.value = params.get('district') || '';
$('kpi-legend').textContent = t('desk.kpi.legend');

// status is the indicator's state as a person says it: a closed period short of
// its target is 未完成, whatever an older server called it.
function status(ind) {
  if (ind.status === 'missed' || (ind.closed && ind.status !== 'reached')) return 'missed';
  return ind.status || 'behind';
}

function num(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
  return Number.isInteger(x) ? String(x) : (Math.round(x * 10) / 10).toFixed(1).replace(/\.0$/, '');
}

// value shows a figure with its unit: "60%", "12 家".
function value(ind, x) {
  if (ind.unit === '%') return num(x) + '%';
  return num(x) + (ind.unit ? ' ' + ind.unit : '');
}

function pct(x) {
  return Math.round((x || 0) * 100) + '%';
}

function scopeName(s) {
  return (lang === 'en' ? s.name_en : s.name_zh) || (s.district ? nameOf(cat, 'district', s.district) : t('desk.kpi.city'));
}

function recordsHref(scope, ind) {
  return '/app/kpi' + query({ year: yearSel.value, district: distSel.value, records: ind.code, period: ind.period, scope: scope.district || 'city' });
}

const NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') n.textContent = v;
    else n.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) n.append(c);
  return n;
}

// add appends the nodes that are there (a chart leaves some out).
function add(parent, ...nodes) {
  for (const n of nodes) if (n) parent.append(n);
}

// chart draws one indicator across scopes: progress bars against a 100% line.
function chart(rows) {
  // Drawn at the width it is shown at, so its text keeps its size on a phone.
  const W = Math.round(Math.max(300, Math.min(760, (out.clientWidth || 640) - 34)));
  const narrow = W < 480;
  const labelW = narrow ? 76 : 96;
  const numW = narrow ? 112 : 150;
  const rowH = 30;
  const top = 22;
  const plotW = W - labelW - numW;
  const maxP = Math.min(2, Math.max(1, ...rows.map((r) => r.ind.progress || 0)));
  const x = (p) => labelW + (Math.max(0, Math.min(p, maxP)) / maxP) * plotW;
  const H = top + rows.length * rowH + 6;
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', class: 'kpichart', preserveAspectRatio: 'xMinYMin meet' });
  // Axis: 0, 50%, 100% (the target), and the top of the scale.
  for (const p of [0, 0.5, 1, maxP > 1 ? maxP : null]) {
    if (p === null) continue;
    g.append(svg('line', { x1: x(p), x2: x(p), y1: top - 4, y2: H - 4, class: p === 1 ? 'axis target' : 'axis' }),
      svg('text', { x: x(p), y: 12, class: 'tick', 'text-anchor': 'middle', text: Math.round(p * 100) + '%' }));
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const st = status(r.ind);
    const expP = r.ind.target ? (r.ind.expected || 0) / r.ind.target : 0;
    const a = svg('a', { href: recordsHref(r.scope, r.ind), class: 'recordlink', 'data-code': r.ind.code, 'data-scope': r.scope.district || 'city' },
      svg('text', { x: W - numW + 8, y: y + 19, class: 'figure', text: value(r.ind, r.ind.actual) + ' / ' + value(r.ind, r.ind.target) }));
    a.addEventListener('click', (ev) => openRecords(ev, r.scope, r.ind));
    add(g,
      svg('text', { x: labelW - 8, y: y + 19, class: 'label', 'text-anchor': 'end', text: scopeName(r.scope) }),
      svg('rect', { x: labelW, y: y + 7, width: plotW, height: 16, rx: 3, class: 'track' }),
      svg('rect', { x: labelW, y: y + 7, width: Math.max(0, x(r.ind.progress || 0) - labelW), height: 16, rx: 3, class: 'bar ' + st, 'data-status': st },
        svg('title', { text: scopeName(r.scope) + ' ' + pct(r.ind.progress) + ' · ' + t('desk.kpi.status.' + st) })),
      expP > 0 && expP < maxP ? svg('line', { x1: x(expP), x2: x(expP), y1: y + 3, y2: y + 27, class: 'expected' }) : null,
      a);
  });
  return g;
}

function figuresTable(rows) {
  const tb = el('tbody');
  for (const r of rows) {
    const st = status(r.ind);
    const link = el('a', { href: recordsHref(r.scope, r.ind), class: 'recordlink', dataset: { code: r.ind.code, scope: r.scope.district || 'city' },
      text: value(r.ind, r.ind.actual) });
    link.addEventListener('click', (ev) => openRecords(ev, r.scope, r.ind));
    tb.append(el('tr', { class: 'kpi-' + st, dataset: { code: r.ind.code, scope: r.scope.district || 'city' } },
      el('td', { 'data-label': t('desk.kpi.th.scope'), text: scopeName(r.scope) }),
      el('td', { class: 'num', 'data-label': t('desk.kpi.th.target'), text: value(r.ind, r.ind.target) }),
      el('td', { class: 'num', 'data-label': t('desk.kpi.th.expected'), text: value(r.ind, r.ind.expected) }),
      el('td', { class: 'num', 'data-label': t('desk.kpi.th.actual') }, link,
        r.ind.denominator ? el('small', { class: 'muted block', text: t('desk.kpi.share_of', { num: r.ind.numerator, den: r.ind.denominator }) }) : null),
      el('td', { class: 'num', 'data-label': t('desk.kpi.th.progress'), text: pct(r.ind.progress) }),
      el('td', { 'data-label': t('desk.kpi.th.status') }, el('span', { class: 'status ' + st, text: t('desk.kpi.status.' + st) }))));
  }
  return el('div', { class: 'scroll' }, el('table', { class: 'kpi' },
    el('thead', {}, el('tr', {}, ...['scope', 'target', 'expected', 'actual', 'progress', 'status'].map((k) => el('th', { text: t('desk.kpi.th.' + k) })))),
    tb));
}

function card(group) {
  const first = group.rows[0].ind;
  return el('section', { class: 'card kpicard', dataset: { code: first.code, period: first.period } },
    el('div', { class: 'bar' }, el('h2', { text: msg(first) }), el('span', { class: 'muted', text: t('desk.kpi.period', { period: first.period }) })),
    first.wording ? el('p', { class: 'muted small', text: t('desk.kpi.wording', { wording: first.wording }) }) : null,
    el('div', { class: 'chartwrap' }, chart(group.rows)),
    figuresTable(group.rows));
}

async function run() {
  clear(out);
  errBox.textContent = '';
  let r;
  try {
    r = await get('/kpi' + query({ year: yearSel.value, district: distSel.value }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      out.append(el('section', { class: 'card closed', id: 'kpi-closed' }, el('p', { text: t('desk.kpi.closed') })));
      return;
    }
    errBox.textContent = errText(err);
    return;
  }
  const d = r.data || {};
  if (d.as_of) {
    // as_of is an instant; a closed year ends at 00:00 of 1 January, so the last
    // day counted is the one before it (in China's time).
    const last = new Date(new Date(d.as_of).getTime() - 1);
    const day = last.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
    out.append(el('p', { class: 'muted', id: 'kpi-asof', text: t('desk.kpi.asof', { day }) }));
  }
  const groups = new Map();
  for (const s of d.scopes || []) {
    for (const ind of s.indicators || []) {
      const key = ind.code + '|' + ind.period;
      if (!groups.has(key)) groups.set(key, { rows: [] });
      groups.get(key).rows.push({ scope: s, ind });
    }
  }
  for (const g of groups.values()) out.append(card(g));
  if (!groups.size) out.append(el('p', { class: 'muted', text: (d.scopes || []).length ? t('desk.kpi.none') : t('desk.kpi.nodata') }));
  const p = new URLSearchParams(location.search);
  if (p.get('records')) {
    const scope = (d.scopes || []).find((s) => (s.district || 'city') === p.get('scope'));
    const ind = scope && scope.indicators.find((i) => i.code === p.get('records') && (!p.get('period') || i.period === p.get('period')));
    if (scope && ind) openRecords(null, scope, ind);
  }
}

async function openRecords(ev, scope, ind) {
  if (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button === 1) return; // a new tab opens the link itself
    ev.preventDefault();
    history.replaceState(null, '', recordsHref(scope, ind));
  }
  const box = $('kpi-records');
  const list = $('kr-list');
  // The list opens under the indicator's card, where the person is looking.
  const at = [...document.querySelectorAll('.kpicard')].find((c) => c.dataset.code === ind.code && c.dataset.period === ind.period);
  if (at) at.after(box);
  clear(list);
  $('kr-title').textContent = t('desk.kpi.records.title', { scope: scopeName(scope), name: msg(ind), period: ind.period });
  $('kr-sub').textContent = '';
  box.hidden = false;
  let r;
  try {
    r = (await get('/kpi/records' + query({ indicator: ind.code, year: yearSel.value, district: scope.district, period: ind.period }))).data;
  } catch (err) {
    $('kr-sub').textContent = errText(err);
    box.scrollIntoView({ block: 'start' });
    return;
  }
  const passed = r.items.filter((x) => x.passed).length;
  $('kr-sub').textContent = ind.code === 'tech_sme_share'
    ? t('desk.kpi.records.share', { n: r.count, passed, actual: value(r.indicator, r.indicator.actual) })
    : t('desk.kpi.records.sub', { n: r.count, actual: value(r.indicator, r.indicator.actual) });
  for (const x of r.items) {
    list.append(el('li', { class: 'record', dataset: { id: x.id, kind: x.kind } },
      el('a', { href: profileHref(x.kind, x.id), text: x.name || x.id }),
      el('span', { class: 'muted small', text: [nameOf(cat, 'kind', x.kind), nameOf(cat, 'district', x.district || ''), (x.date ? x.date + ' ' : '') + msg({ zh: x.why_zh, en: x.why_en })].filter(Boolean).join(' · ') }),
      x.passed === true || x.passed === false ? el('span', { class: 'status ' + (x.passed ? 'reached' : 'behind'), text: t(x.passed ? 'desk.kpi.passed' : 'desk.kpi.not_passed') }) : null));
  }
  if (!r.items.length) list.append(el('li', { class: 'muted', text: t('desk.kpi.records.none') }));
  box.scrollIntoView({ block: 'start' });
}

$('kr-close').addEventListener('click', () => {
  $('kpi-records').hidden = true;
  history.replaceState(null, '', '/app/kpi' + query({ year: yearSel.value, district: distSel.value }));
});
$('kpi-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('kpi-records').hidden = true;
  history.replaceState(null, '', '/app/kpi' + query({ year: yearSel.value, district: distSel.value }));
  run();
});
$('kpi-export').addEventListener('click', async () => {
  errBox.textContent = '';
  try {
    await fetchFile('GET', '/kpi/export' + query({ year: yearSel.value, district: distSel.value }), 'kpi-' + yearSel.value + '.xlsx');
  } catch (err) {
    errBox.textContent = t('desk.kpi.export_failed', { msg: errText(err) });
  }
});
run();
