// 检索: free text with filters for kind, chain, district and stage, facet counts,
// and hits with the server's highlighted snippet. The query lives in the URL, so a
// search can be bookmarked, shared and reloaded.

import { get, post, query, ApiError } from './api.js';
import { t } from './i18n.js';
import { catalog, clear, clearErrors, el, nameOf, note, options, profileHref, setupPage, showError, snippetNodes } from './ui.js';

setupPage();
const cat = await catalog();

const form = document.getElementById('search-form');
const hits = document.getElementById('hits');
const facets = document.getElementById('facets');
const total = document.getElementById('total');
const more = document.getElementById('more');
const filters = { kind: 'f-kind', chain: 'f-chain', district: 'f-district', stage: 'f-stage', type: 'f-type', segment: 'f-segment' };

options(document.getElementById('f-kind'), cat.kinds);
options(document.getElementById('f-chain'), cat.chains);
options(document.getElementById('f-district'), cat.districts);
options(document.getElementById('f-stage'), cat.lists.stages);

// Facets name codes; these say which list gives their names.
const facetList = { kind: 'kind', chain: 'chain', district: 'district', stage: 'stages', type: null };

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

// fromURL sets the form from the address. At the first load (keepTyped) a field
// the address does not name keeps what the person may already have typed while
// the page was loading.
function fromURL(keepTyped = false) {
  const u = new URLSearchParams(location.search);
  if (!keepTyped || u.has('q')) form.q.value = u.get('q') || '';
  for (const [k, id] of Object.entries(filters)) {
    if (!keepTyped || u.has(k)) document.getElementById(id).value = u.get(k) || '';
  }
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
    facets.append(el('h3', { text: t('search.facet.' + name) }), ul);
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
// seq numbers the searches: an answer to one that a newer search overtook is
// dropped, so a slow first load cannot overwrite the results of a later query.
let seq = 0;

async function run(push, append = false) {
  clearErrors(form);
  const p = params();
  const mine = ++seq;
  if (push) history.pushState(null, '', location.pathname + query(p));
  const r = await get('/search' + query(Object.assign({}, p, { limit: 20, cursor: append ? cursor : '' }))).catch((err) => {
    if (mine === seq) showError(form, err instanceof ApiError ? err : { zh: String(err) });
    return null;
  });
  if (!r || mine !== seq) return;
  const d = r.data;
  if (!append) clear(hits);
  for (const h of d.items || []) hits.append(renderHit(h));
  cursor = d.next_cursor || '';
  more.hidden = !cursor;
  total.textContent = t('search.total', { n: d.total });
  if (!append) {
    renderFacets(d.facets);
    facets.hidden = !facets.firstChild;
  }
  if (!append && !(d.items || []).length) {
    hits.append(el('li', { class: 'muted', id: 'no-hits', text: t('search.none') }));
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  run(true);
});
for (const id of ['f-kind', 'f-chain', 'f-district', 'f-stage']) document.getElementById(id).addEventListener('change', () => run(true));
more.addEventListener('click', () => run(false, true));

// On a phone the filters and facets fold behind one button, so the first result
// is on the first screen.
const toggle = document.getElementById('filters-toggle');
toggle.addEventListener('click', () => {
  const open = !form.classList.contains('open');
  form.classList.toggle('open', open);
  facets.classList.toggle('open', open);
  toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
});

// Saving the search: a name and the current query; a new profile that enters it
// later is a notification.
const saveOpen = document.getElementById('save-search-open');
const saveForm = document.getElementById('save-search-form');
const saveDone = document.getElementById('save-search-done');
saveOpen.addEventListener('click', () => {
  saveForm.hidden = false;
  saveOpen.hidden = true;
  const name = document.getElementById('save-search-name');
  if (!name.value) name.value = form.q.value.trim();
  name.focus();
});
saveForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(saveForm);
  const p = params();
  const q = { q: p.q, kind: p.kind, chain: p.chain, segment: p.segment, district: p.district, stage: p.stage };
  try {
    await post('/me/saved', { name: document.getElementById('save-search-name').value.trim(), kind: 'search', query: q });
    saveForm.hidden = true;
    saveOpen.hidden = false;
    note(saveDone, t('search.saved'));
  } catch (err) {
    showError(saveForm, err instanceof ApiError ? err : { zh: String(err) });
  }
});
window.addEventListener('popstate', () => {
  fromURL();
  run(false);
});

fromURL(true);
run(form.q.value.trim() !== '' && !new URLSearchParams(location.search).has('q'));
document.body.dataset.ready = '1';
