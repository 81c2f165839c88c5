// 绩效评价: carriers ranked under the evaluation rule sets, the ones at risk of
// 降等/摘牌 and the exemplary ones; one carrier's sections and indicators with
// their evidence. ?carrier=<id> opens one carrier (its operator's view).

import { authHeaders, get, query, ApiError } from './api.js';
import { bi, catalog, clear, districtsFor, el, label, nameOf, setupPage } from './ui.js';

const user = setupPage();
const cat = await catalog();

const form = document.getElementById('ev-form');
const list = document.getElementById('ev-list');
const detail = document.getElementById('ev-detail');
const summary = document.getElementById('ev-summary');
const errBox = document.getElementById('ev-error');
const yearSel = document.getElementById('ev-year');
const distSel = document.getElementById('ev-district');
const rsSel = document.getElementById('ev-ruleset');

const thisYear = new Date().getFullYear();
for (let y = thisYear; y >= 2019; y--) yearSel.append(el('option', { value: String(y), text: bi(y + ' 年', String(y)) }));
for (const d of districtsFor(cat, user)) distSel.append(el('option', { value: d.code, text: label(d) }));
let rulesetsFilled = false;

const statusName = { ok: ['达标', 'ok'], missing: ['数据缺失', 'missing'], failed: ['不达标', 'failed'] };

function fmt(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
  return Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/\.?0+$/, '');
}

function showError(err) {
  errBox.textContent = err instanceof ApiError ? err.zh + ' · ' + (err.en || '') : String(err);
}

function indicatorRow(ind) {
  const st = statusName[ind.status] || [ind.status, ''];
  return el('tr', { class: 'ev-' + ind.status, dataset: { code: ind.code } },
    el('td', {}, el('span', { text: bi(ind.zh, ind.en) })),
    el('td', { class: 'num', 'data-label': '数值', text: fmt(ind.value) + (ind.unit_zh && ind.value !== null ? ' ' + ind.unit_zh : '') },
      ind.denominator ? el('small', { class: 'muted block', text: ind.numerator + ' / ' + ind.denominator }) : null),
    el('td', { class: 'num', 'data-label': '得分', text: ind.max_points ? fmt(ind.points) + ' / ' + fmt(ind.max_points) : '—' }),
    el('td', { class: 'num', 'data-label': '目标', text: (ind.op || '') + ' ' + fmt(ind.target) }),
    el('td', { 'data-label': '状态' }, el('span', { class: 'status ' + ind.status }, bi(st[0], st[1]))),
    el('td', { 'data-label': '依据' }, el('small', { text: (ind.evidence || []).join(' ') })),
    el('td', { 'data-label': '说明' }, el('small', { text: bi(ind.note || '', ind.note_en || '') }), null));
}

function showResult(r) {
  clear(detail);
  const card = el('section', { class: 'card', id: 'ev-result' },
    el('h2', {}, bi(r.name + ' · ' + r.ruleset_zh, r.ruleset_en)),
    el('p', {}, bi('得分 ' + fmt(r.score) + ' / ' + fmt(r.max_score) + '（缺失数据涉及 ' + fmt(r.missing_points) + ' 分）· ' + r.grade_zh,
      'score ' + fmt(r.score) + ' of ' + fmt(r.max_score) + ' (' + fmt(r.missing_points) + ' points rest on missing data) · ' + r.grade_en)),
    el('p', { class: 'muted' }, bi(r.note, r.note_en)));
  if (r.warnings && r.warnings.length) {
    const ul = el('ul', { class: 'warnings', id: 'ev-warnings' });
    for (const w of r.warnings) ul.append(el('li', { dataset: { code: w.code } }, bi(w.zh, w.en)));
    card.append(ul);
  }
  for (const s of r.sections) {
    const tb = el('tbody');
    for (const i of s.indicators) tb.append(indicatorRow(i));
    card.append(el('h3', {}, bi(s.zh + (s.weight ? '（' + fmt(s.score) + ' / ' + fmt(s.weight) + '）' : ''), s.en)),
      s.note ? el('p', { class: 'muted' }, bi(s.note, s.note_en)) : null,
      el('div', { class: 'scroll' }, el('table', { class: 'kpi' },
        el('thead', {}, el('tr', {}, el('th', {}, bi('指标', 'Indicator')), el('th', {}, bi('数值', 'Value')), el('th', {}, bi('得分', 'Points')),
          el('th', {}, bi('目标/门槛', 'Target')), el('th', {}, bi('状态', 'Status')), el('th', {}, bi('依据', 'Evidence')),
          el('th', {}, bi('说明', 'Note')))), tb)));
  }
  detail.append(card);
}

async function openCarrier(id) {
  errBox.textContent = '';
  try {
    const r = await get('/carriers/' + encodeURIComponent(id) + '/evaluation' + query({ year: yearSel.value, ruleset: rsSel.value }));
    showResult(r.data);
  } catch (err) {
    showError(err);
  }
}

async function run() {
  clear(list);
  clear(summary);
  clear(detail);
  errBox.textContent = '';
  const only = new URLSearchParams(location.search).get('carrier');
  if (only) return openCarrier(only);
  let r;
  try {
    r = await get('/evaluations' + query({ year: yearSel.value, district: distSel.value, ruleset: rsSel.value }));
  } catch (err) {
    showError(err);
    return;
  }
  const d = r.data;
  if (!rulesetsFilled) {
    for (const rs of d.rulesets || []) rsSel.append(el('option', { value: rs.code, text: rs.zh + '（' + rs.year_from + '–）' }));
    rulesetsFilled = true;
  }
  const names = (ids) => ids.map((id) => (d.items.find((x) => x.carrier_id === id) || {}).name || id).join('、') || '—';
  summary.append(el('section', { class: 'card' },
    el('p', { id: 'ev-atrisk' }, bi('有降等/摘牌风险：' + names(d.at_risk), 'At risk: ' + d.at_risk.length)),
    el('p', { id: 'ev-exemplary' }, bi('优秀：' + names(d.exemplary), 'Exemplary: ' + d.exemplary.length)),
    d.not_evaluated.length ? el('p', { class: 'muted' }, bi('无适用规则集（未评价）：' + d.not_evaluated.map((x) => x.name).join('、'),
      'No rule set applies (not evaluated): ' + d.not_evaluated.length)) : null));
  const tb = el('tbody');
  for (const it of d.items) {
    const btn = el('button', { type: 'button', class: 'link', text: it.name });
    btn.addEventListener('click', () => showResult(it));
    tb.append(el('tr', { class: 'ev-' + it.grade, dataset: { id: it.carrier_id } },
      el('td', { class: 'num', text: String(it.rank) }),
      el('td', {}, btn, el('small', { class: 'muted block', text: nameOf(cat, 'district', it.district) })),
      el('td', {}, el('small', { text: it.ruleset_zh })),
      el('td', { class: 'num', text: fmt(it.score) + ' / ' + fmt(it.max_score) }),
      el('td', {}, bi(it.grade_zh, it.grade_en)),
      el('td', { class: 'num', text: it.failed + ' / ' + it.missing }),
      el('td', {}, el('small', { text: it.warnings.map((w) => w.zh).join('；') }))));
  }
  list.append(el('section', { class: 'card' }, el('div', { class: 'scroll' }, el('table', { class: 'kpi', id: 'ev-table' },
    el('thead', {}, el('tr', {}, el('th', {}, bi('排名', 'Rank')), el('th', {}, bi('载体', 'Carrier')), el('th', {}, bi('规则集', 'Rule set')),
      el('th', {}, bi('得分', 'Score')), el('th', {}, bi('评级', 'Grade')), el('th', {}, bi('不达标/缺失', 'Failed / missing')),
      el('th', {}, bi('预警', 'Warnings')))), tb))));
  if (!d.items.length) list.append(el('p', { class: 'muted', text: bi('没有可评价的载体。', 'No carrier to evaluate.') }));
}

// The mentor pool against the twice-a-year rule, and where the year's graduates
// landed: two more questions a manager asks of the same year and district.
async function pool() {
  const box = document.getElementById('ev-pool');
  clear(box);
  let r;
  try {
    r = await get('/mentor-pool' + query({ year: yearSel.value, district: distSel.value }));
  } catch (err) {
    return; // not a manager: the section stays empty
  }
  const d = r.data;
  const tb = el('tbody');
  for (const m of d.mentors) {
    tb.append(el('tr', { class: m.compliant ? 'ev-ok' : 'ev-failed', dataset: { id: m.id } },
      el('td', { text: m.name }), el('td', { class: 'num', text: m.count + ' / ' + m.required }),
      el('td', {}, m.compliant ? bi('达标', 'ok') : bi('不足', 'below'))));
  }
  box.append(el('section', { class: 'card', id: 'ev-pool-card' },
    el('h2', {}, bi('创业导师库', 'Mentor pool')),
    el('p', { class: 'muted' }, bi(d.rule_zh + '：不足 ' + d.below.length + ' 名；无导师在孵企业 ' + d.unmentored.length + ' 家',
      d.rule_en + ': ' + d.below.length + ' below; ' + d.unmentored.length + ' incubatees without a mentor')),
    el('div', { class: 'scroll' }, el('table', { class: 'kpi' },
      el('thead', {}, el('tr', {}, el('th', {}, bi('导师', 'Mentor')), el('th', {}, bi('当年服务次数', 'Sessions')), el('th', {}, bi('状态', 'Status')))), tb)),
    d.unmentored.length ? el('p', {}, bi('无导师企业：' + d.unmentored.map((x) => x.name).join('、'), 'Without a mentor')) : null));
}

async function graduates() {
  const box = document.getElementById('ev-graduates');
  clear(box);
  let r;
  try {
    r = await get('/graduates' + query({ year: yearSel.value, district: distSel.value }));
  } catch (err) {
    return;
  }
  const tb = el('tbody');
  for (const sc of r.data.scopes) {
    const share = sc.matching_share === null ? '—' : Math.round(sc.matching_share * 100) + '%';
    tb.append(el('tr', { dataset: { district: sc.district } },
      el('td', { text: sc.district ? nameOf(cat, 'district', sc.district) : bi('全市', 'Whole city') }),
      el('td', { class: 'num', text: String(sc.graduates) }), el('td', { class: 'num', text: String(sc.landed) }),
      el('td', { class: 'num', text: String(sc.landed_matching) }), el('td', { class: 'num', text: share })));
  }
  box.append(el('section', { class: 'card', id: 'ev-graduates-card' }, el('h2', {}, bi('毕业企业落地', "Graduates' landings")),
    el('div', { class: 'scroll' }, el('table', { class: 'kpi' },
      el('thead', {}, el('tr', {}, el('th', {}, bi('区县', 'District')), el('th', {}, bi('当年毕业', 'Graduated')),
        el('th', {}, bi('已落地园区', 'Landed')), el('th', {}, bi('落地产业匹配园区', 'In a matching park')),
        el('th', {}, bi('匹配落地占比', 'Share')))), tb))));
}

document.getElementById('ev-export').addEventListener('click', async () => {
  errBox.textContent = '';
  const res = await fetch('/api/v1/evaluations/export' + query({ year: yearSel.value, district: distSel.value, ruleset: rsSel.value }),
    { headers: authHeaders(), credentials: 'same-origin' });
  if (!res.ok) {
    errBox.textContent = bi('导出失败', 'Export failed') + ' (' + res.status + ')';
    return;
  }
  const url = URL.createObjectURL(await res.blob());
  const a = el('a', { href: url, download: 'evaluation-' + yearSel.value + '.xlsx' });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
});

function all() {
  run();
  if (!new URLSearchParams(location.search).get('carrier')) {
    pool();
    graduates();
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  all();
});
yearSel.value = String(thisYear);
all();
