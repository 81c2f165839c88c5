// 绩效评价: carriers ranked under the evaluation rule sets, the ones at risk of
// 降等/摘牌 and the exemplary ones; one carrier's sections and indicators with
// their evidence. ?carrier=<id> opens one carrier (its operator's view).

import { authHeaders, get, query, ApiError } from './api.js';
import { lang, msg, t } from './i18n.js';
import { catalog, clear, districtsFor, el, errText, label, nameOf, setupPage } from './ui.js';

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
for (let y = thisYear; y >= 2019; y--) yearSel.append(el('option', { value: String(y), text: t('evaluation.year_n', { y }) }));
for (const d of districtsFor(cat, user)) distSel.append(el('option', { value: d.code, text: label(d) }));
let rulesetsFilled = false;

const statusName = { ok: t('evaluation.status.ok'), missing: t('evaluation.status.missing'), failed: t('evaluation.status.failed') };

function fmt(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
  return Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/\.?0+$/, '');
}

function showError(err) {
  errBox.textContent = err instanceof ApiError ? errText(err) : String(err);
}

// both is a server text given in two fields, in the page's language.
function both(zh, en) {
  return lang === 'en' && en ? en : zh || '';
}

function indicatorRow(ind) {
  const st = statusName[ind.status] || ind.status;
  const unit = lang === 'en' ? ind.unit_en || ind.unit_zh : ind.unit_zh;
  return el('tr', { class: 'ev-' + ind.status, dataset: { code: ind.code } },
    el('td', {}, el('span', { text: msg(ind) })),
    el('td', { class: 'num', 'data-label': t('evaluation.col.value'), text: fmt(ind.value) + (unit && ind.value !== null ? ' ' + unit : '') },
      ind.denominator ? el('small', { class: 'muted block', text: ind.numerator + ' / ' + ind.denominator }) : null),
    el('td', { class: 'num', 'data-label': t('evaluation.col.points'), text: ind.max_points ? fmt(ind.points) + ' / ' + fmt(ind.max_points) : '—' }),
    el('td', { class: 'num', 'data-label': t('evaluation.col.target_short'), text: (ind.op || '') + ' ' + fmt(ind.target) }),
    el('td', { 'data-label': t('evaluation.col.status') }, el('span', { class: 'status ' + ind.status }, st)),
    el('td', { 'data-label': t('evaluation.col.evidence') }, el('small', { text: (ind.evidence || []).join(' ') })),
    el('td', { 'data-label': t('evaluation.col.note') }, el('small', { text: lang === 'en' ? ind.note_en || ind.note || '' : ind.note || '' }), null));
}

function showResult(r) {
  clear(detail);
  const card = el('section', { class: 'card', id: 'ev-result' },
    el('h2', {}, r.name + ' · ' + both(r.ruleset_zh, r.ruleset_en)),
    el('p', {}, t('evaluation.score_line', { score: fmt(r.score), max: fmt(r.max_score), missing: fmt(r.missing_points), grade: both(r.grade_zh, r.grade_en) })),
    el('p', { class: 'muted' }, both(r.note, r.note_en)));
  if (r.warnings && r.warnings.length) {
    const ul = el('ul', { class: 'warnings', id: 'ev-warnings' });
    for (const w of r.warnings) ul.append(el('li', { dataset: { code: w.code } }, msg(w)));
    card.append(ul);
  }
  for (const s of r.sections) {
    const tb = el('tbody');
    for (const i of s.indicators) tb.append(indicatorRow(i));
    card.append(el('h3', {}, msg(s) + (s.weight ? t('evaluation.section_score', { score: fmt(s.score), weight: fmt(s.weight) }) : '')),
      s.note ? el('p', { class: 'muted' }, both(s.note, s.note_en)) : null,
      el('div', { class: 'scroll' }, el('table', { class: 'kpi' },
        el('thead', {}, el('tr', {}, el('th', {}, t('evaluation.col.indicator')), el('th', {}, t('evaluation.col.value')), el('th', {}, t('evaluation.col.points')),
          el('th', {}, t('evaluation.col.target')), el('th', {}, t('evaluation.col.status')), el('th', {}, t('evaluation.col.evidence')),
          el('th', {}, t('evaluation.col.note')))), tb)));
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
    for (const rs of d.rulesets || []) rsSel.append(el('option', { value: rs.code, text: t('evaluation.ruleset_from', { name: msg(rs), year: rs.year_from }) }));
    rulesetsFilled = true;
  }
  const names = (ids) => ids.map((id) => (d.items.find((x) => x.carrier_id === id) || {}).name || id).join(t('evaluation.list_sep')) || '—';
  summary.append(el('section', { class: 'card' },
    el('p', { id: 'ev-atrisk' }, t('evaluation.at_risk', { names: names(d.at_risk) })),
    el('p', { id: 'ev-exemplary' }, t('evaluation.exemplary', { names: names(d.exemplary) })),
    d.not_evaluated.length ? el('p', { class: 'muted' }, t('evaluation.not_evaluated', { names: d.not_evaluated.map((x) => x.name).join(t('evaluation.list_sep')) })) : null));
  const tb = el('tbody');
  for (const it of d.items) {
    const btn = el('button', { type: 'button', class: 'link', text: it.name });
    btn.addEventListener('click', () => showResult(it));
    tb.append(el('tr', { class: 'ev-' + it.grade, dataset: { id: it.carrier_id } },
      el('td', { class: 'num', text: String(it.rank) }),
      el('td', {}, btn, el('small', { class: 'muted block', text: nameOf(cat, 'district', it.district) })),
      el('td', {}, el('small', { text: both(it.ruleset_zh, it.ruleset_en) })),
      el('td', { class: 'num', text: fmt(it.score) + ' / ' + fmt(it.max_score) }),
      el('td', {}, both(it.grade_zh, it.grade_en)),
      el('td', { class: 'num', text: it.failed + ' / ' + it.missing }),
      el('td', {}, el('small', { text: it.warnings.map((w) => msg(w)).join(t('evaluation.list_semicolon')) }))));
  }
  list.append(el('section', { class: 'card' }, el('div', { class: 'scroll' }, el('table', { class: 'kpi', id: 'ev-table' },
    el('thead', {}, el('tr', {}, el('th', {}, t('evaluation.col.rank')), el('th', {}, t('evaluation.col.carrier')), el('th', {}, t('evaluation.rule_set')),
      el('th', {}, t('evaluation.col.score')), el('th', {}, t('evaluation.col.grade')), el('th', {}, t('evaluation.col.failed_missing')),
      el('th', {}, t('evaluation.col.warnings')))), tb))));
  if (!d.items.length) list.append(el('p', { class: 'muted', text: t('evaluation.no_carrier') }));
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
      el('td', {}, m.compliant ? t('evaluation.status.ok') : t('evaluation.pool.below'))));
  }
  box.append(el('section', { class: 'card', id: 'ev-pool-card' },
    el('h2', {}, t('evaluation.pool.title')),
    el('p', { class: 'muted' }, t('evaluation.pool.summary', { rule: both(d.rule_zh, d.rule_en), below: d.below.length, unmentored: d.unmentored.length })),
    el('div', { class: 'scroll' }, el('table', { class: 'kpi' },
      el('thead', {}, el('tr', {}, el('th', {}, t('evaluation.pool.mentor')), el('th', {}, t('evaluation.pool.sessions')), el('th', {}, t('evaluation.col.status')))), tb)),
    d.unmentored.length ? el('p', {}, t('evaluation.pool.unmentored', { names: d.unmentored.map((x) => x.name).join(t('evaluation.list_sep')) })) : null));
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
      el('td', { text: sc.district ? nameOf(cat, 'district', sc.district) : t('evaluation.whole_city') }),
      el('td', { class: 'num', text: String(sc.graduates) }), el('td', { class: 'num', text: String(sc.landed) }),
      el('td', { class: 'num', text: String(sc.landed_matching) }), el('td', { class: 'num', text: share })));
  }
  box.append(el('section', { class: 'card', id: 'ev-graduates-card' }, el('h2', {}, t('evaluation.grad.title')),
    el('div', { class: 'scroll' }, el('table', { class: 'kpi' },
      el('thead', {}, el('tr', {}, el('th', {}, t('evaluation.district')), el('th', {}, t('evaluation.grad.graduated')),
        el('th', {}, t('evaluation.grad.landed')), el('th', {}, t('evaluation.grad.matching')),
        el('th', {}, t('evaluation.grad.share')))), tb))));
}

document.getElementById('ev-export').addEventListener('click', async () => {
  errBox.textContent = '';
  const res = await fetch('/api/v1/evaluations/export' + query({ year: yearSel.value, district: distSel.value, ruleset: rsSel.value }),
    { headers: authHeaders(), credentials: 'same-origin' });
  if (!res.ok) {
    errBox.textContent = t('evaluation.export_failed', { status: res.status });
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
