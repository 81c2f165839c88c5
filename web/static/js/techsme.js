// 科技型中小企业预评估: one startup's pre-assessment against the national tech-SME
// evaluation — the score and its parts, every condition with what the firm has and
// what it needs, the gaps, and the providers in fuhua who can close each gap.

import { get, query } from './api.js';
import { catalog, clear, el, errText, nameOf, profileHref, setupPage } from './ui.js';
import { msg, t } from './i18n.js';


setupPage();
const cat = await catalog();
const $ = (id) => document.getElementById(id);
const out = $('t-out');
const errBox = $('t-error');
const yearSel = $('t-year');
const params = new URLSearchParams(location.search);
const id = params.get('id') || '';
const thisYear = new Date().getFullYear();
for (let y = thisYear; y >= thisYear - 3; y--) yearSel.append(el('option', { value: String(y), text: t('desk.techsme.year', { y }) }));
yearSel.value = params.get('year') || String(thisYear);

function mark(o) {
  if (o.met === null || o.met === undefined) return el('span', { class: 'met-unknown', title: t('desk.techsme.unknown'), text: '？' });
  if (o.met) return el('span', { class: 'met-yes', title: t('desk.techsme.met'), text: '✓' });
  return el('span', { class: o.close ? 'met-close' : 'met-no', title: t(o.close ? 'desk.techsme.close' : 'desk.techsme.unmet'), text: o.close ? '≈' : '✗' });
}

function conditionRows(tb, conds, depth) {
  for (const o of conds || []) {
    tb.append(el('tr', { dataset: { code: o.code, met: o.met === null || o.met === undefined ? 'unknown' : String(o.met) } },
      el('td', {}, mark(o)),
      el('td', { 'data-label': t('desk.techsme.th.condition'), text: (depth ? '　'.repeat(depth) + '· ' : '') + msg(o) + (o.guess ? ' [guess]' : '') }),
      el('td', { 'data-label': t('desk.techsme.th.have'), text: msg(o.have) || '—' }),
      el('td', { 'data-label': t('desk.techsme.th.need'), text: msg(o.need) || '—' })));
    if (o.of && !o.met) conditionRows(tb, o.of, depth + 1);
  }
}

function partRow(code, p) {
  const pct = p.max ? Math.round((p.points / p.max) * 100) : 0;
  const fill = el('span', { class: 'fill' });
  fill.style.width = pct + '%';
  return el('li', { class: 'part', dataset: { part: code } },
    el('span', { class: 'partname', text: t('desk.techsme.part.' + code) }),
    el('span', { class: 'scorebox' }, el('span', { class: 'bar' }, fill), el('span', { class: 'scorenum', text: p.points + ' / ' + p.max })),
    p.ratio_bp ? el('span', { class: 'muted small', text: t('desk.techsme.ratio', { pct: (p.ratio_bp / 100).toFixed(1).replace(/\.0$/, '') }) }) : null);
}

function render(r) {
  clear(out);
  $('t-name').append(el('a', { href: profileHref('startup', r.startup_id), text: r.name }));
  $('t-label').textContent = msg(r.label);
  const head = el('section', { class: 'card', id: 't-score' },
    el('h2', { text: t('desk.techsme.score') }),
    el('p', { class: 'bigscore' }, el('strong', { id: 't-total', text: t('desk.techsme.points', { points: r.total }) }), ' ',
      el('span', { class: 'muted', text: t('desk.techsme.of', { max: 100 }) }), ' ',
      el('span', { class: 'status ' + (r.passed ? 'reached' : 'behind'), id: 't-verdict',
        text: t(r.passed ? 'desk.techsme.passed' : 'desk.techsme.not_passed') + (r.route ? t('desk.techsme.route.' + r.route) : '') })));
  for (const p of r.size_problems || []) head.append(el('p', { class: 'err', text: t('desk.techsme.size_problem') + msg(p) }));
  const parts = el('ul', { class: 'parts' });
  for (const code of ['staff', 'rd', 'ip']) if (r[code]) parts.append(partRow(code, r[code]));
  head.append(el('h3', { text: t('desk.techsme.parts') }), parts);
  out.append(head);

  if (r.programme && r.programme.conditions) {
    const tb = el('tbody');
    conditionRows(tb, r.programme.conditions, 0);
    out.append(el('section', { class: 'card', id: 't-conditions' }, el('h2', { text: t('desk.techsme.conditions') }),
      el('div', { class: 'scroll' }, el('table', { class: 'kpi conditions' },
        el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', { text: t('desk.techsme.th.condition') }), el('th', { text: t('desk.techsme.th.have') }),
          el('th', { text: t('desk.techsme.th.need') }))), tb))));
  }

  const gaps = el('section', { class: 'card', id: 't-gaps' }, el('h2', { text: t('desk.techsme.gaps') }));
  if (!r.gaps || !r.gaps.length) gaps.append(el('p', { class: 'muted', text: t('desk.techsme.no_gaps') }));
  const ul = el('ul', { class: 'gaplist' });
  for (const g of r.gaps || []) {
    const li = el('li', { class: 'gap', dataset: { part: g.part } },
      el('strong', { text: t('desk.techsme.part.' + g.part) + '：' }), el('span', { text: msg(g) }),
      el('span', { class: 'muted small block', text: t('desk.techsme.gain', { gain: g.gain, reach: g.reach }) }));
    const who = el('p', { class: 'providers' });
    const types = (g.providers || []).map((t) => nameOf(cat, 'provider_types', t)).join('、');
    if (types) who.append(el('span', { class: 'muted', text: types + '：' }));
    if (!g.candidates || !g.candidates.length) who.append(el('span', { class: 'muted', text: t('desk.techsme.no_providers') }));
    (g.candidates || []).forEach((c, i) => {
      if (i) who.append('、');
      who.append(el('a', { class: 'provider', href: profileHref('provider', c.id), text: c.name }),
        c.district ? el('span', { class: 'muted small', text: '（' + nameOf(cat, 'district', c.district) + '）' }) : null);
    });
    li.append(who);
    ul.append(li);
  }
  gaps.append(ul);
  out.append(gaps);

  if (r.reasons && r.reasons.length) {
    const rl = el('ul', { class: 'reasons' });
    for (const x of r.reasons) rl.append(el('li', { text: msg(x) }));
    out.append(el('section', { class: 'card' }, el('h2', { text: t('desk.techsme.reasons') }), rl));
  }
}

async function run() {
  errBox.textContent = '';
  clear($('t-name'));
  if (!/^[0-9a-f]{24}$/.test(id)) {
    errBox.textContent = t('desk.techsme.no_id');
    return;
  }
  history.replaceState(null, '', location.pathname + query({ id, year: yearSel.value }));
  try {
    render((await get('/startups/' + encodeURIComponent(id) + '/techsme' + query({ year: yearSel.value }))).data);
  } catch (err) {
    errBox.textContent = errText(err);
  }
}
$('t-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  run();
});
run();
