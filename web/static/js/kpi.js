// 目标监测: the plan's indicators for a year, for the city and each district. The
// page draws whatever indicators the API returns, so new ones need no change here;
// a server without the KPI route shows "暂未开放".

import { get, query, ApiError } from './api.js';
import { bi, catalog, clear, el, nameOf, setupPage } from './ui.js';

setupPage();
const cat = await catalog();

const form = document.getElementById('kpi-form');
const out = document.getElementById('kpi');
const errBox = document.getElementById('kpi-error');
const yearSel = document.getElementById('k-year');
const distSel = document.getElementById('k-district');

const thisYear = new Date().getFullYear();
for (let y = Math.max(thisYear, 2025); y >= 2023; y--) yearSel.append(el('option', { value: String(y), text: y + ' 年' }));
for (const d of cat.districts) distSel.append(el('option', { value: d.code, text: d.zh }));

const statusName = { reached: ['已达成', 'reached'], on_track: ['进度正常', 'on track'], behind: ['进度滞后', 'behind'] };

function fmt(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return x === undefined || x === null ? '—' : String(x);
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, '');
}

// value shows a number with the indicator's unit ("60%", "12 家").
function value(ind, x) {
  if (!ind.unit) return fmt(x);
  return fmt(x) + (ind.unit === '%' ? '%' : ' ' + ind.unit);
}

function row(ind) {
  const pct = Math.max(0, Math.min(100, Math.round((ind.progress || 0) * 100)));
  const fill = el('span', { class: 'fill' });
  fill.style.width = pct + '%';
  const st = statusName[ind.status] || [ind.status || '—', ''];
  return el('tr', { class: 'kpi-' + (ind.status || 'unknown'), dataset: { code: ind.code } },
    el('td', {}, el('span', { text: ind.zh || ind.code }), el('small', { class: 'en block', text: (ind.en ? ind.en + ' · ' : '') + ind.code })),
    el('td', { class: 'num', 'data-label': '期间', text: ind.period || '' }),
    el('td', { class: 'num', 'data-label': '目标', text: value(ind, ind.target) }),
    el('td', { class: 'num', 'data-label': '应达', text: typeof ind.expected === 'number' ? value(ind, Math.round(ind.expected * 10) / 10) : '—' }),
    el('td', { class: 'num', 'data-label': '实际' }, value(ind, ind.actual),
      ind.denominator ? el('small', { class: 'en block', text: ind.numerator + ' / ' + ind.denominator }) : null),
    el('td', { 'data-label': '进度' }, el('div', { class: 'scorebox' }, el('span', { class: 'bar' }, fill), el('span', { class: 'scorenum', text: pct + '%' }))),
    el('td', { 'data-label': '状态' }, el('span', { class: 'status ' + (ind.status || '') }, bi(st[0], st[1]))));
}

function table(title, en, inds) {
  const sec = el('section', { class: 'card' }, el('h2', {}, bi(title, en)));
  if (!inds || !inds.length) {
    sec.append(el('p', { class: 'muted', text: '本年度无计划指标。' }));
    return sec;
  }
  const tb = el('tbody');
  for (const i of inds) tb.append(row(i));
  sec.append(el('div', { class: 'scroll' }, el('table', { class: 'kpi' },
    el('thead', {}, el('tr', {},
      el('th', {}, bi('指标', 'Indicator')), el('th', {}, bi('期间', 'Period')), el('th', {}, bi('目标', 'Target')),
      el('th', {}, bi('应达', 'Expected by now')),
      el('th', {}, bi('实际', 'Actual')), el('th', {}, bi('进度', 'Progress')), el('th', {}, bi('状态', 'Status')))),
    tb)));
  return sec;
}

async function run() {
  clear(out);
  errBox.textContent = '';
  let r;
  try {
    r = await get('/kpi' + query({ year: yearSel.value, district: distSel.value }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      out.append(el('section', { class: 'card closed', id: 'kpi-closed' }, el('p', {}, bi('暂未开放', 'Not available yet'))));
      return;
    }
    errBox.textContent = err instanceof ApiError ? err.zh : String(err);
    return;
  }
  const d = r.data || {};
  if (d.as_of) {
    // as_of is an instant; a closed year ends at 00:00 of 1 January, so the last
    // day counted is the one before it (in China's time).
    const last = new Date(new Date(d.as_of).getTime() - 1);
    const day = last.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
    out.append(el('p', { class: 'muted', id: 'kpi-asof', text: '统计截至 ' + day }));
  }
  const scopes = d.scopes || (d.indicators ? [{ district: d.district || '', indicators: d.indicators }] : []);
  for (const s of scopes) {
    const name = s.name_zh || (s.district ? nameOf(cat, 'district', s.district) : '盐城市（全市）');
    out.append(table(name, s.name_en || s.district || 'City of Yancheng', s.indicators));
  }
  if (!scopes.length) out.append(el('p', { class: 'muted', text: '没有数据。' }));
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  run();
});
yearSel.value = String(Math.min(Math.max(thisYear, 2023), 2025));
run();
