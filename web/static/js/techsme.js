// 科技型中小企业预评估: one startup's pre-assessment against the national tech-SME
// evaluation — the score and its parts, every condition with what the firm has and
// what it needs, the gaps, and the providers in fuhua who can close each gap.

import { get, query } from './api.js';
import { catalog, clear, el, nameOf, profileHref, setupPage } from './ui.js';
import { addWords, errText, w } from './desk.js';

addWords({
  'techsme.no_id': '缺少企业编号：请从资料名册或企业资料页打开本页。',
  'techsme.score': '评价得分',
  'techsme.points': '{points} 分',
  'techsme.of': '满分 {max}',
  'techsme.passed': '预计可通过',
  'techsme.not_passed': '预计暂不能通过',
  'techsme.route.score': '（按评分）',
  'techsme.route.high_tech': '（高新技术企业直接认定）',
  'techsme.size_problem': '规模条件：',
  'techsme.parts': '分项得分',
  'techsme.part.staff': '科技人员',
  'techsme.part.rd': '研发投入',
  'techsme.part.ip': '科技成果（知识产权）',
  'techsme.ratio': '占比 {pct}%',
  'techsme.conditions': '评价条件',
  'techsme.th.condition': '条件',
  'techsme.th.have': '现状',
  'techsme.th.need': '要求',
  'techsme.met': '满足',
  'techsme.unmet': '未满足',
  'techsme.close': '接近',
  'techsme.unknown': '待补充数据',
  'techsme.gaps': '差距与可对接的服务机构',
  'techsme.no_gaps': '没有需要补齐的差距。',
  'techsme.gain': '可增加 {gain} 分，达到 {reach} 分',
  'techsme.no_providers': '平台内暂无此类服务机构',
  'techsme.reasons': '说明',
  'techsme.year': '{y} 年',
}, {
  'techsme.no_id': 'No firm given: open this page from the roster or a firm\'s profile.',
  'techsme.score': 'Score',
  'techsme.points': '{points} points',
  'techsme.of': 'of {max}',
  'techsme.passed': 'Expected to pass',
  'techsme.not_passed': 'Not expected to pass yet',
  'techsme.route.score': '(by score)',
  'techsme.route.high_tech': '(as a high-tech enterprise)',
  'techsme.size_problem': 'Size: ',
  'techsme.parts': 'Parts',
  'techsme.part.staff': 'Technical staff',
  'techsme.part.rd': 'R&D spending',
  'techsme.part.ip': 'Results (IP)',
  'techsme.ratio': 'share {pct}%',
  'techsme.conditions': 'Conditions',
  'techsme.th.condition': 'Condition',
  'techsme.th.have': 'Has',
  'techsme.th.need': 'Needs',
  'techsme.met': 'met',
  'techsme.unmet': 'unmet',
  'techsme.close': 'close',
  'techsme.unknown': 'data missing',
  'techsme.gaps': 'Gaps and the providers who can close them',
  'techsme.no_gaps': 'No gap to close.',
  'techsme.gain': '+{gain} points, to {reach}',
  'techsme.no_providers': 'No such provider in fuhua yet',
  'techsme.reasons': 'Notes',
  'techsme.year': '{y}',
});

setupPage();
const cat = await catalog();
const $ = (id) => document.getElementById(id);
const out = $('t-out');
const errBox = $('t-error');
const yearSel = $('t-year');
const params = new URLSearchParams(location.search);
const id = params.get('id') || '';
const thisYear = new Date().getFullYear();
for (let y = thisYear; y >= thisYear - 3; y--) yearSel.append(el('option', { value: String(y), text: w('techsme.year', { y }) }));
yearSel.value = params.get('year') || String(thisYear);

function mark(o) {
  if (o.met === null || o.met === undefined) return el('span', { class: 'met-unknown', title: w('techsme.unknown'), text: '？' });
  if (o.met) return el('span', { class: 'met-yes', title: w('techsme.met'), text: '✓' });
  return el('span', { class: o.close ? 'met-close' : 'met-no', title: w(o.close ? 'techsme.close' : 'techsme.unmet'), text: o.close ? '≈' : '✗' });
}

function conditionRows(tb, conds, depth) {
  for (const o of conds || []) {
    tb.append(el('tr', { dataset: { code: o.code, met: o.met === null || o.met === undefined ? 'unknown' : String(o.met) } },
      el('td', {}, mark(o)),
      el('td', { 'data-label': w('techsme.th.condition'), text: (depth ? '　'.repeat(depth) + '· ' : '') + o.zh + (o.guess ? ' [guess]' : '') }),
      el('td', { 'data-label': w('techsme.th.have'), text: (o.have && o.have.zh) || '—' }),
      el('td', { 'data-label': w('techsme.th.need'), text: (o.need && o.need.zh) || '—' })));
    if (o.of && !o.met) conditionRows(tb, o.of, depth + 1);
  }
}

function partRow(code, p) {
  const pct = p.max ? Math.round((p.points / p.max) * 100) : 0;
  const fill = el('span', { class: 'fill' });
  fill.style.width = pct + '%';
  return el('li', { class: 'part', dataset: { part: code } },
    el('span', { class: 'partname', text: w('techsme.part.' + code) }),
    el('span', { class: 'scorebox' }, el('span', { class: 'bar' }, fill), el('span', { class: 'scorenum', text: p.points + ' / ' + p.max })),
    p.ratio_bp ? el('span', { class: 'muted small', text: w('techsme.ratio', { pct: (p.ratio_bp / 100).toFixed(1).replace(/\.0$/, '') }) }) : null);
}

function render(r) {
  clear(out);
  $('t-name').append(el('a', { href: profileHref('startup', r.startup_id), text: r.name }));
  $('t-label').textContent = (r.label && r.label.zh) || '';
  const head = el('section', { class: 'card', id: 't-score' },
    el('h2', { text: w('techsme.score') }),
    el('p', { class: 'bigscore' }, el('strong', { id: 't-total', text: w('techsme.points', { points: r.total }) }), ' ',
      el('span', { class: 'muted', text: w('techsme.of', { max: 100 }) }), ' ',
      el('span', { class: 'status ' + (r.passed ? 'reached' : 'behind'), id: 't-verdict',
        text: w(r.passed ? 'techsme.passed' : 'techsme.not_passed') + (r.route ? w('techsme.route.' + r.route) : '') })));
  for (const p of r.size_problems || []) head.append(el('p', { class: 'err', text: w('techsme.size_problem') + p.zh }));
  const parts = el('ul', { class: 'parts' });
  for (const code of ['staff', 'rd', 'ip']) if (r[code]) parts.append(partRow(code, r[code]));
  head.append(el('h3', { text: w('techsme.parts') }), parts);
  out.append(head);

  if (r.programme && r.programme.conditions) {
    const tb = el('tbody');
    conditionRows(tb, r.programme.conditions, 0);
    out.append(el('section', { class: 'card', id: 't-conditions' }, el('h2', { text: w('techsme.conditions') }),
      el('div', { class: 'scroll' }, el('table', { class: 'kpi conditions' },
        el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', { text: w('techsme.th.condition') }), el('th', { text: w('techsme.th.have') }),
          el('th', { text: w('techsme.th.need') }))), tb))));
  }

  const gaps = el('section', { class: 'card', id: 't-gaps' }, el('h2', { text: w('techsme.gaps') }));
  if (!r.gaps || !r.gaps.length) gaps.append(el('p', { class: 'muted', text: w('techsme.no_gaps') }));
  const ul = el('ul', { class: 'gaplist' });
  for (const g of r.gaps || []) {
    const li = el('li', { class: 'gap', dataset: { part: g.part } },
      el('strong', { text: w('techsme.part.' + g.part) + '：' }), el('span', { text: g.zh }),
      el('span', { class: 'muted small block', text: w('techsme.gain', { gain: g.gain, reach: g.reach }) }));
    const who = el('p', { class: 'providers' });
    const types = (g.providers || []).map((t) => nameOf(cat, 'provider_types', t)).join('、');
    if (types) who.append(el('span', { class: 'muted', text: types + '：' }));
    if (!g.candidates || !g.candidates.length) who.append(el('span', { class: 'muted', text: w('techsme.no_providers') }));
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
    for (const x of r.reasons) rl.append(el('li', { text: x.zh }));
    out.append(el('section', { class: 'card' }, el('h2', { text: w('techsme.reasons') }), rl));
  }
}

async function run() {
  errBox.textContent = '';
  clear($('t-name'));
  if (!/^[0-9a-f]{24}$/.test(id)) {
    errBox.textContent = w('techsme.no_id');
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
