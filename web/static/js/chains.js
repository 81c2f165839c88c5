// 产业图谱: one chain of the industry technology map as a flow of segments from
// upstream to downstream, drawn here as SVG (no chart library). Every count is a
// link to the search that lists those profiles; gaps are flagged on the segment.
// On a phone the flow is hidden by CSS and the same segments read as a list.

import { get, query, ApiError } from './api.js';
import { lang, msg, t } from './i18n.js';
import { catalog, clear, el, label, setupPage } from './ui.js';

const user = setupPage();
const cat = await catalog();

const form = document.getElementById('chains-form');
const chainSel = document.getElementById('c-chain');
const distSel = document.getElementById('c-district');
const errBox = document.getElementById('chains-error');
const view = document.getElementById('chain-view');
const flow = document.getElementById('flow');
const list = document.getElementById('seglist');

// kinds are the kinds counted on a segment, each with its short name.
const kinds = [['startup', t('chains.kind.startup')], ['investor', t('chains.kind.investor')], ['mentor', t('chains.kind.mentor')],
  ['carrier', t('chains.kind.carrier')], ['enclave', t('chains.kind.enclave')], ['provider', t('chains.kind.provider')]];
const stageName = Object.fromEntries((cat.lists.stages || []).map((s) => [s.code, label(s)]));
const streamName = { upstream: t('chains.stream.upstream'), midstream: t('chains.stream.midstream'), downstream: t('chains.stream.downstream') };

const listed = await get('/chains').then((r) => r.data.items).catch(() => []);
for (const c of listed) {
  if (!c.segments.length) continue;
  chainSel.append(el('option', { value: c.code, text: label(c) }));
}
for (const d of cat.districts) distSel.append(el('option', { value: d.code, text: label(d) }));

const u = new URLSearchParams(location.search);
chainSel.value = u.get('chain') || 'hydrogen';
if (!chainSel.value && chainSel.options.length) chainSel.selectedIndex = 0;
let district = u.get('district');
if (district === null && user && user.role === 'manager' && user.districts && user.districts.length === 1) district = user.districts[0];
distSel.value = district || '';

// segNames finds a segment's name in any chain, for links across chains.
const segNames = {};
for (const c of listed) for (const s of c.segments) segNames[s.code] = label(c) + ' · ' + label(s);

function searchHref(chain, seg, kind) {
  const q = { chain, kind };
  if (seg) q.segment = seg;
  if (distSel.value) q.district = distSel.value;
  return '/app/search' + query(q);
}

const NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

function drawFlow(v) {
  clear(flow);
  const w = 190, h = 150, gap = 46, n = v.segments.length;
  const width = n * w + (n - 1) * gap + 20;
  const s = svg('svg', { viewBox: `0 0 ${width} ${h + 20}`, width, height: h + 20, role: 'img', 'aria-label': t('chains.flow_label', { chain: label(v) }) });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }));
  defs.append(marker);
  s.append(defs);
  const x0 = (i) => 10 + i * (w + gap);
  v.segments.forEach((seg, i) => {
    const g = svg('g', { class: 'seg' + (seg.gaps.length ? ' hasgap' : '') + (seg.emphasis ? ' emph' : ''), 'data-code': seg.code });
    g.append(svg('rect', { x: x0(i), y: 10, width: w, height: h, rx: 8 }));
    g.append(svg('text', { x: x0(i) + 10, y: 32, class: 'segname' }, label(seg)));
    kinds.forEach(([k, name], j) => {
      const a = svg('a', { href: searchHref(v.code, seg.code, k) });
      a.append(svg('text', { x: x0(i) + 10 + (j % 2) * 88, y: 72 + Math.floor(j / 2) * 20, class: 'segcount' }, name + ' ' + (seg.counts[k] || 0)));
      g.append(a);
    });
    if (seg.gaps.length) g.append(svg('text', { x: x0(i) + 10, y: h + 2, class: 'seggap' }, t('chains.gap_short', { gaps: seg.gaps.map(gapShort).join(t('chains.list_sep')).slice(0, lang === 'en' ? 30 : 16) })));
    s.append(g);
    const next = v.segments[i + 1];
    if (next) {
      const within = seg.supplies.includes(next.code);
      s.append(svg('line', { x1: x0(i) + w + 2, y1: 10 + h / 2, x2: x0(i + 1) - 4, y2: 10 + h / 2,
        class: within ? 'link' : 'link weak', 'marker-end': 'url(#arrow)' }));
    }
  });
  flow.append(s);
}

// gapShort is a gap's text without the opening most gaps share (chains.gap_opening).
function gapShort(x) {
  const text = msg(x);
  const opening = t('chains.gap_opening');
  return text.startsWith(opening) ? text.slice(opening.length) : text;
}

function drawList(v) {
  clear(list);
  for (const seg of v.segments) {
    const st = streamName[seg.stream] || '';
    const counts = el('ul', { class: 'counts' });
    for (const [k, name] of kinds) {
      counts.append(el('li', {}, el('a', { href: searchHref(v.code, seg.code, k) }, name + ' ' + (seg.counts[k] || 0))));
    }
    const stages = Object.entries(seg.startups_by_stage || {}).map(([k, n]) => (stageName[k] || k) + ' ' + n).join(t('chains.list_comma'));
    const across = seg.supplies.filter((c) => !c.startsWith(v.code + '.'));
    const item = el('li', { class: 'segitem' + (seg.gaps.length ? ' hasgap' : ''), id: 'seg-' + seg.code },
      el('h3', {}, label(seg), st ? el('span', { class: 'tag', text: st }) : null,
        seg.emphasis ? el('span', { class: 'tag emph', text: t('chains.emphasis') }) : null),
      counts,
      stages ? el('p', { class: 'muted', text: t('chains.stages', { stages }) }) : null,
      across.length ? el('p', {}, t('chains.supplies'), ...across.map((c, i) => [i ? t('chains.list_sep_short') : '',
        el('a', { href: '/app/chains' + query({ chain: c.split('.')[0] }), text: segNames[c] || c })])) : null,
      seg.gaps.length ? el('ul', { class: 'gaps' }, ...seg.gaps.map((g) => el('li', {}, msg(g)))) : null,
      el('p', { class: 'muted small', text: t('chains.keywords', { words: seg.keywords.slice(0, 12).join(t('chains.list_sep_short')) }) }),
      el('p', { class: 'muted small', text: t('chains.basis', { basis: seg.basis }) }));
    list.append(item);
  }
}

async function show() {
  errBox.textContent = '';
  const q = { district: distSel.value || undefined };
  history.replaceState(null, '', '/app/chains' + query({ chain: chainSel.value, district: distSel.value || undefined }));
  try {
    const r = await get('/chains/' + encodeURIComponent(chainSel.value) + query(q));
    const v = r.data;
    view.hidden = false;
    const title = document.getElementById('chain-title');
    clear(title);
    title.append(t('chains.title', { chain: label(v) }));
    const whole = kinds.filter(([k]) => v.whole_chain[k]).map(([k, name]) => name + ' ' + v.whole_chain[k]).join(t('chains.list_comma'));
    document.getElementById('chain-note').textContent = (distSel.value ? t('chains.scope', { district: cat.name.district[distSel.value] || distSel.value }) : t('chains.scope_city')) +
      (whole ? t('chains.whole_chain', { whole }) : '') + t('chains.counts_note');
    drawFlow(v);
    drawList(v);
  } catch (e) {
    view.hidden = true;
    errBox.textContent = e instanceof ApiError ? msg(e) : String(e);
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  show();
});
show();
