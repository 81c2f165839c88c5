// 产业图谱: one chain of the industry technology map as a flow of segments from
// upstream to downstream, drawn here as SVG (no chart library). Every count is a
// link to the search that lists those profiles; gaps are flagged on the segment.
// On a phone the flow is hidden by CSS and the same segments read as a list.

import { get, query, ApiError } from './api.js';
import { bi, catalog, clear, el, setupPage } from './ui.js';

const user = setupPage();
const cat = await catalog();

const form = document.getElementById('chains-form');
const chainSel = document.getElementById('c-chain');
const distSel = document.getElementById('c-district');
const errBox = document.getElementById('chains-error');
const view = document.getElementById('chain-view');
const flow = document.getElementById('flow');
const list = document.getElementById('seglist');

const kinds = [['startup', '企业', 'startups'], ['investor', '投资机构', 'investors'], ['mentor', '导师', 'mentors'],
  ['carrier', '载体', 'carriers'], ['enclave', '飞地', 'enclaves'], ['provider', '服务机构', 'providers']];
const stageName = Object.fromEntries((cat.lists.stages || []).map((s) => [s.code, s.zh]));
const streamName = { upstream: ['上游', 'upstream'], midstream: ['中游', 'midstream'], downstream: ['下游', 'downstream'] };

const listed = await get('/chains').then((r) => r.data.items).catch(() => []);
for (const c of listed) {
  if (!c.segments.length) continue;
  chainSel.append(el('option', { value: c.code, text: c.zh + ' · ' + c.en }));
}
for (const d of cat.districts) distSel.append(el('option', { value: d.code, text: d.zh }));

const u = new URLSearchParams(location.search);
chainSel.value = u.get('chain') || 'hydrogen';
if (!chainSel.value && chainSel.options.length) chainSel.selectedIndex = 0;
let district = u.get('district');
if (district === null && user && user.role === 'manager' && user.districts && user.districts.length === 1) district = user.districts[0];
distSel.value = district || '';

// segName finds a segment's Chinese name in any chain, for links across chains.
const segNames = {};
for (const c of listed) for (const s of c.segments) segNames[s.code] = c.zh + '·' + s.zh;

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
  const s = svg('svg', { viewBox: `0 0 ${width} ${h + 20}`, width, height: h + 20, role: 'img', 'aria-label': v.zh + ' 产业链环节' });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }));
  defs.append(marker);
  s.append(defs);
  const x0 = (i) => 10 + i * (w + gap);
  v.segments.forEach((seg, i) => {
    const g = svg('g', { class: 'seg' + (seg.gaps.length ? ' hasgap' : '') + (seg.emphasis ? ' emph' : ''), 'data-code': seg.code });
    g.append(svg('rect', { x: x0(i), y: 10, width: w, height: h, rx: 8 }));
    g.append(svg('text', { x: x0(i) + 10, y: 32, class: 'segname' }, seg.zh));
    g.append(svg('text', { x: x0(i) + 10, y: 48, class: 'segen' }, seg.en));
    kinds.forEach(([k, zh], j) => {
      const a = svg('a', { href: searchHref(v.code, seg.code, k) });
      a.append(svg('text', { x: x0(i) + 10 + (j % 2) * 88, y: 72 + Math.floor(j / 2) * 20, class: 'segcount' }, zh + ' ' + (seg.counts[k] || 0)));
      g.append(a);
    });
    if (seg.gaps.length) g.append(svg('text', { x: x0(i) + 10, y: h + 2, class: 'seggap' }, '缺口：' + seg.gaps.map((x) => x.zh.replace(/^有企业，但/, '')).join('；').slice(0, 16)));
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

function drawList(v) {
  clear(list);
  for (const seg of v.segments) {
    const st = streamName[seg.stream] || ['', ''];
    const counts = el('ul', { class: 'counts' });
    for (const [k, zh, en] of kinds) {
      counts.append(el('li', {}, el('a', { href: searchHref(v.code, seg.code, k) }, bi(zh + ' ' + (seg.counts[k] || 0), en))));
    }
    const stages = Object.entries(seg.startups_by_stage || {}).map(([k, n]) => (stageName[k] || k) + ' ' + n).join('，');
    const across = seg.supplies.filter((c) => !c.startsWith(v.code + '.'));
    const item = el('li', { class: 'segitem' + (seg.gaps.length ? ' hasgap' : ''), id: 'seg-' + seg.code },
      el('h3', {}, bi(seg.zh, seg.en), st[0] ? el('span', { class: 'tag', text: st[0] }) : null,
        seg.emphasis ? el('span', { class: 'tag emph', text: '规划重点' }) : null),
      counts,
      stages ? el('p', { class: 'muted', text: '企业阶段：' + stages }) : null,
      across.length ? el('p', {}, '供应其他产业链：', ...across.map((c, i) => [i ? '、' : '',
        el('a', { href: '/app/chains' + query({ chain: c.split('.')[0] }), text: segNames[c] || c })])) : null,
      seg.gaps.length ? el('ul', { class: 'gaps' }, ...seg.gaps.map((g) => el('li', {}, bi(g.zh, g.en)))) : null,
      el('p', { class: 'muted small', text: '关键词：' + seg.keywords.slice(0, 12).join('、') }),
      el('p', { class: 'muted small', text: bi('依据：', 'Basis: ') + seg.basis }));
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
    title.append(bi(v.zh + ' 产业链', v.en));
    const whole = kinds.filter(([k]) => v.whole_chain[k]).map(([k, zh]) => zh + ' ' + v.whole_chain[k]).join('，');
    document.getElementById('chain-note').textContent = (distSel.value ? '范围：' + (cat.name.district[distSel.value] || distSel.value) + '。' : '范围：全市。') +
      (whole ? '另有覆盖全链、未指明环节的：' + whole + '。' : '') + '数字为在该环节的资料数（自填或由简介识别），点击查看名单。';
    drawFlow(v);
    drawList(v);
  } catch (e) {
    view.hidden = true;
    errBox.textContent = e instanceof ApiError ? e.zh : String(e);
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  show();
});
show();
