// 检索: free text with filters for kind, chain, district and stage, facet counts,
// and hits with the server's highlighted snippet. The query lives in the URL, so a
// search can be bookmarked, shared and reloaded.

import { get, query, ApiError } from './api.js';
import { bi, catalog, clear, clearErrors, el, nameOf, options, profileHref, setupPage, showError, snippetNodes } from './ui.js';

setupPage();
const cat = await catalog();

const form = document.getElementById('search-form');
const hits = document.getElementById('hits');
const facets = document.getElementById('facets');
const total = document.getElementById('total');
const more = document.getElementById('more');
const filters = { kind: 'f-kind', chain: 'f-chain', district: 'f-district', stage: 'f-stage', type: 'f-type', segment: 'f-segment' };

options(document.getElementById('f-kind'), cat.kinds.map((k) => ({ code: k.code, zh: k.zh })));
options(document.getElementById('f-chain'), cat.chains.map((c) => ({ code: c.code, zh: c.zh })));
options(document.getElementById('f-district'), cat.districts.map((d) => ({ code: d.code, zh: d.zh })));
options(document.getElementById('f-stage'), cat.lists.stages);

// Facets name codes; these say which list gives their names.
const facetList = { kind: 'kind', chain: 'chain', district: 'district', stage: 'stages', type: null };
const facetTitle = { kind: ['类型', 'Kind'], chain: ['产业链', 'Chain'], district: ['区县', 'District'], stage: ['阶段', 'Stage'], type: ['机构类型', 'Type'] };
const typeLists = ['investor_types', 'carrier_types', 'provider_types'];

function typeName(code) {
  for (const l of typeLists) {
    const n = cat.name[l] && cat.name[l][code];
    if (n) return n;
  }
  return code;
}

function params() {
  const p = { q: form.q.value.trim() };
  for (const [k, id] of Object.entries(filters)) p[k] = document.getElementById(id).value;
  return p;
}

function fromURL() {
  const u = new URLSearchParams(location.search);
  form.q.value = u.get('q') || '';
  for (const [k, id] of Object.entries(filters)) document.getElementById(id).value = u.get(k) || '';
}

function renderFacets(fs) {
  clear(facets);
  const cur = params();
  for (const name of ['kind', 'chain', 'district', 'stage', 'type']) {
    const values = (fs && fs[name]) || [];
    if (!values.length) continue;
    const ul = el('ul', { class: 'facet', dataset: { facet: name } });
    for (const v of values) {
      const label = name === 'type' ? typeName(v.value) : nameOf(cat, facetList[name], v.value);
      const active = cur[name] === v.value;
      const item = el('button', { type: 'button', class: 'facetbtn' + (active ? ' on' : ''), 'aria-pressed': active ? 'true' : 'false' },
        el('span', { text: label }), el('span', { class: 'count', text: String(v.count) }));
      item.addEventListener('click', () => {
        document.getElementById(filters[name]).value = active ? '' : v.value;
        run(true);
      });
      ul.append(el('li', {}, item));
    }
    facets.append(el('h3', {}, bi(facetTitle[name][0], facetTitle[name][1])), ul);
  }
}

function renderHit(h) {
  return el('li', { class: 'hit', dataset: { id: h.id } },
    el('div', { class: 'hit-head' },
      el('span', { class: 'badge', text: nameOf(cat, 'kind', h.kind) }),
      el('a', { href: profileHref(h.kind, h.id), class: 'hit-name', text: h.name })),
    el('p', { class: 'snippet' }, snippetNodes(h.snippet)));
}

let cursor = '';

async function run(push, append = false) {
  clearErrors(form);
  const p = params();
  if (push) history.pushState(null, '', location.pathname + query(p));
  const r = await get('/search' + query(Object.assign({}, p, { limit: 20, cursor: append ? cursor : '' }))).catch((err) => {
    showError(form, err instanceof ApiError ? err : { zh: String(err) });
    return null;
  });
  if (!r) return;
  const d = r.data;
  if (!append) clear(hits);
  for (const h of d.items || []) hits.append(renderHit(h));
  cursor = d.next_cursor || '';
  more.hidden = !cursor;
  total.textContent = '共 ' + d.total + ' 条结果';
  total.append(' ', el('small', { class: 'en', text: d.total + ' results' }));
  if (!append) {
    renderFacets(d.facets);
    facets.hidden = !facets.firstChild;
  }
  if (!append && !(d.items || []).length) {
    hits.append(el('li', { class: 'muted', id: 'no-hits', text: '没有找到匹配的资料。可以换个关键词（如两个字以上的词），或减少筛选条件。' }));
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  run(true);
});
for (const id of ['f-kind', 'f-chain', 'f-district', 'f-stage']) document.getElementById(id).addEventListener('change', () => run(true));
more.addEventListener('click', () => run(false, true));
window.addEventListener('popstate', () => {
  fromURL();
  run(false);
});

fromURL();
run(false);
