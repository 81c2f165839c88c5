// 资料详情: one profile. Anyone signed in may ask for an introduction to it from a
// profile of their own that the API lets ask (GET …/ask says which, or why not);
// an introduction already between them shows its state instead of the button.
// Those who may act for the profile (its owner, the district's managers, admins)
// see what fits it (matches, with reasons), may save the list, and an investor's
// side sees its deal flow: startups by chain, segment, stage and district, paged,
// those already introduced marked.

import { get, post, query, ApiError } from './api.js';
import { fieldsOf, labelOf } from './fields.js';
import { t } from './i18n.js';
import { catalog, clear, clearErrors, el, errText, nameOf, note, options, profileHref, setupPage, showError } from './ui.js';

const user = setupPage();
const cat = await catalog();

const params = new URLSearchParams(location.search);
const kind = params.get('kind') || '';
const id = params.get('id') || '';
const detail = document.getElementById('detail');
const card = document.getElementById('matches-card');
const tabs = document.getElementById('targets');
const list = document.getElementById('matches');
const mErr = document.getElementById('matches-error');

// targets mirrors the matching rules: every pair has a startup on one side, and
// providers look for no one.
const targets = {
  startup: ['investor', 'mentor', 'carrier', 'enclave', 'provider'],
  investor: ['startup'], mentor: ['startup'], carrier: ['startup'], enclave: ['startup'],
};

const listFor = { district: 'district', home_district: 'district', chains: 'chain', regions: 'district', stage: 'stages', stages: 'stages',
  status: 'startup_statuses', level: 'levels', host_region: 'host_regions', 'needs.funding_kinds': 'funding_kinds', instruments: 'funding_kinds',
  'needs.services': 'need_services', services: 'offer_services' };
const typeList = { investor: 'investor_types', carrier: 'carrier_types', provider: 'provider_types' };

function show(p, f) {
  const v = f.name.split('.').reduce((o, k) => (o == null ? o : o[k]), p);
  if (v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && !v.length)) return null;
  const l = f.name === 'type' ? typeList[p.kind] : listFor[f.name];
  if (f.type === 'pct') return (Math.round(v * 1000) / 10) + ' %';
  if (Array.isArray(v)) return v.map((x) => (l ? nameOf(cat, l, x) : x)).join(t('profile.list_sep'));
  if (v === true) return t('common.yes');
  return l ? nameOf(cat, l, v) : String(v);
}

// mayAct says whether the viewer may act for p, as the API decides.
function mayAct(p) {
  return !!user && (p.owner_id === user.id || user.role === 'admin' || (user.role === 'manager' && (user.districts || []).includes(p.district || p.home_district)));
}

function renderDetail(p) {
  clear(detail);
  document.title = p.name + ' · ' + t('common.brand');
  const head = el('div', { class: 'bar' },
    el('h2', {}, el('span', { class: 'badge', text: nameOf(cat, 'kind', p.kind) }), ' ', el('span', { id: 'profile-name', text: p.name })));
  if (mayAct(p)) {
    const acts = el('div', { class: 'actions' }, el('a', { class: 'button secondary', href: '/app/me' + query({ kind: p.kind, edit: p.id }), text: t('common.edit') }));
    if (['startup', 'carrier', 'enclave'].includes(p.kind)) {
      acts.append(el('a', { class: 'button secondary', id: 'policies-link', href: '/app/policies' + query({ kind: p.kind, id: p.id }), text: t('nav.policies') }));
    }
    head.append(acts);
  }
  detail.append(head);
  if (p.summary) detail.append(el('p', { class: 'summary', text: p.summary }));
  const dl = el('dl', { class: 'facts' });
  for (const f of fieldsOf(p.kind)) {
    if (f.group || f.name === 'name' || f.name === 'summary') continue;
    const s = show(p, f);
    if (s === null) continue;
    dl.append(el('dt', { text: labelOf(f) }), el('dd', { text: s }));
  }
  detail.append(dl);
  if (!p.contact) detail.append(el('p', { class: 'hint', id: 'contact-hidden', text: t('profile.contact_hidden') }));
}

// scoreBar draws the score as a bar. Its width is set through the CSSOM, which the
// content security policy allows (a style attribute it would refuse).
function scoreBar(score) {
  const pct = Math.max(0, Math.min(100, Math.round(score)));
  const fill = el('span', { class: 'fill' });
  fill.style.width = pct + '%';
  return el('div', { class: 'scorebox', title: t('profile.score', { n: pct }) },
    el('span', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': t('profile.score_label') }, fill),
    el('span', { class: 'scorenum', text: String(pct) }));
}

function reasonList(rs) {
  const ul = el('ul', { class: 'reasons' });
  for (const r of rs || []) {
    ul.append(el('li', {}, el('span', { class: 'weight', text: (r.weight > 0 ? '+' : '') + r.weight }), ' ', el('span', { text: errText(r) })));
  }
  return ul;
}

// introBadge shows an introduction's state where a button would be.
function introBadge(intro) {
  return el('span', { class: 'status ' + intro.state, dataset: { intro: intro.id } }, t('intros.state.' + intro.state));
}

// ---- asking for an introduction to this profile ----

const askCard = document.getElementById('ask-card');
const askState = document.getElementById('ask-state');
const askForm = document.getElementById('ask-form');
const askFrom = document.getElementById('ask-from');
const askDone = document.getElementById('ask-done');

async function loadAsk(p) {
  let a;
  try {
    a = (await get('/' + cat.path[p.kind] + '/' + p.id + '/ask')).data;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return; // nothing to offer
    askCard.hidden = false;
    askState.append(el('p', { class: 'err', text: errText(err) }));
    return;
  }
  clear(askState);
  const intros = a.introductions || [];
  if (!a.can_ask && !intros.length && mayAct(p)) return; // one's own profile: nothing to ask
  askCard.hidden = false;
  for (const it of intros) {
    const broker = it.broker_name ? t('intros.brokered_by', { name: it.broker_name }) : '';
    askState.append(el('p', { class: 'intro-state', dataset: { state: it.state } },
      introBadge(it), ' ', el('a', { href: '/app/intros' + query({ id: it.id }), text: t('profile.intro_line', { date: String(it.created_at || '').slice(0, 10) }) }),
      broker ? el('span', { class: 'muted', text: ' · ' + broker }) : null));
  }
  if (!a.can_ask) {
    askForm.hidden = true;
    if (a.reason && (a.reason.zh || a.reason.en)) askState.append(el('p', { class: 'muted', id: 'ask-reason', text: errText(a.reason) }));
    return;
  }
  clear(askFrom);
  for (const f of a.from || []) askFrom.append(el('option', { value: f.kind + '/' + f.id, text: f.name + ' · ' + nameOf(cat, 'kind', f.kind) }));
  askFrom.closest('form').querySelector('label[for="ask-from"]').hidden = (a.from || []).length < 2;
  askFrom.hidden = (a.from || []).length < 2;
  askForm.hidden = false;
}

askForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(askForm);
  const btn = document.getElementById('ask-submit');
  const [fk, fid] = askFrom.value.split('/');
  btn.disabled = true;
  try {
    await post('/introductions', { from: { kind: fk, id: fid }, to: { kind: current.kind, id: current.id }, message: document.getElementById('ask-message').value.trim() },
      { headers: { 'Idempotency-Key': 'ask-' + fid + '-' + current.id + '-' + Date.now() } });
    note(askDone, t('profile.asked'));
    document.getElementById('ask-message').value = '';
    await loadAsk(current);
  } catch (err) {
    showError(askForm, err instanceof ApiError ? err : { zh: String(err) });
  } finally {
    btn.disabled = false;
  }
});

// ---- matches, for those who act for the profile ----

let currentTarget = '';

async function askIntro(p, m, btn, cell) {
  btn.disabled = true;
  try {
    const r = await post('/introductions', { from: { kind: p.kind, id: p.id }, to: { kind: m.kind, id: m.id }, message: '' },
      { headers: { 'Idempotency-Key': 'match-' + p.id + '-' + m.id + '-' + Date.now() } });
    clear(cell);
    cell.append(introBadge({ id: r.data.id, state: r.data.state || 'pending' }));
  } catch (err) {
    btn.disabled = false;
    cell.append(el('span', { class: 'err', text: errText(err) }));
  }
}

function matchItem(p, m) {
  const cell = el('span', { class: 'ask-cell' });
  if (m.introduction) {
    cell.append(introBadge(m.introduction));
  } else {
    const ask = el('button', { type: 'button', class: 'secondary small', text: t('profile.ask') });
    ask.addEventListener('click', () => askIntro(p, m, ask, cell));
    cell.append(ask);
  }
  const where = [m.district ? nameOf(cat, 'district', m.district) : '', m.stage ? nameOf(cat, 'stages', m.stage) : '',
    ...(m.chains || []).map((c) => nameOf(cat, 'chain', c))].filter(Boolean).join(' · ');
  return el('li', { class: 'match' + (m.introduction ? ' introduced' : ''), dataset: { id: m.id } },
    el('div', { class: 'match-head' },
      el('span', { class: 'badge', text: nameOf(cat, 'kind', m.kind) }),
      el('a', { href: profileHref(m.kind, m.id), class: 'match-name', text: m.name }),
      scoreBar(m.score), cell),
    where ? el('p', { class: 'muted small', text: where }) : null,
    reasonList(m.reasons));
}

async function loadMatches(p, target) {
  currentTarget = target;
  for (const b of tabs.children) b.setAttribute('aria-selected', b.dataset.target === target ? 'true' : 'false');
  clear(list);
  mErr.textContent = '';
  let r;
  try {
    r = await get('/' + cat.path[p.kind] + '/' + p.id + '/matches' + query({ target, limit: 10 }));
  } catch (err) {
    mErr.textContent = errText(err);
    return;
  }
  const items = r.data.items || [];
  if (!items.length) list.append(el('li', { class: 'muted', text: t('profile.no_matches') }));
  for (const m of items) list.append(matchItem(p, m));
  await markIntroduced(p, items);
}

// markIntroduced puts the state of an introduction already between p and a match
// where its 请求对接 button would be: the match list does not say, the match's
// /ask view (its introductions with the viewer's profiles, or brokered by the
// viewer) does.
async function markIntroduced(p, items) {
  await Promise.all(items.filter((m) => !m.introduction).map(async (m) => {
    const r = await get('/' + cat.path[m.kind] + '/' + m.id + '/ask').catch(() => null);
    const found = r && (r.data.introductions || []).find((x) => ['pending', 'accepted'].includes(x.state) &&
      (x.from.id === p.id || x.to.id === p.id));
    const cell = list.querySelector('.match[data-id="' + CSS.escape(m.id) + '"] .ask-cell');
    if (found && cell) {
      clear(cell);
      cell.append(introBadge(found));
      cell.closest('.match').classList.add('introduced');
    }
  }));
}

document.getElementById('save-matches').addEventListener('click', async () => {
  const done = document.getElementById('save-matches-done');
  try {
    await post('/me/saved', { name: current.name + ' · ' + nameOf(cat, 'kind', currentTarget), kind: 'matches', profile_id: current.id, target: currentTarget });
    note(done, t('profile.matches_saved'));
  } catch (err) {
    note(done, errText(err), 'warn');
  }
});

// ---- deal flow, for an investor's own side ----

const dfCard = document.getElementById('dealflow-card');
const dfList = document.getElementById('dealflow');
const dfMore = document.getElementById('dealflow-more');
const dfErr = document.getElementById('dealflow-error');
const dfSel = { chain: 'd-chain', segment: 'd-segment', stage: 'd-stage', district: 'd-district' };
let dfCursor = '';
let chainList = [];

function fillSegments() {
  const seg = document.getElementById('d-segment');
  const chain = document.getElementById('d-chain').value;
  const c = chainList.find((x) => x.code === chain);
  options(seg, c ? c.segments || [] : []);
  seg.disabled = !c;
}

async function loadDealflow(p, append) {
  dfErr.textContent = '';
  const q = { limit: 20, cursor: append ? dfCursor : '' };
  for (const [k, sel] of Object.entries(dfSel)) q[k] = document.getElementById(sel).value;
  let r;
  try {
    r = await get('/investors/' + p.id + '/dealflow' + query(q));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && !append) {
      dfCard.hidden = true; // a server without deal flow
      return;
    }
    dfErr.textContent = errText(err);
    return;
  }
  if (!append) clear(dfList);
  const items = r.data.items || [];
  for (const m of items) dfList.append(matchItem(p, Object.assign({ kind: 'startup' }, m)));
  if (!append && !items.length) dfList.append(el('li', { class: 'muted', text: t('profile.no_dealflow') }));
  dfCursor = r.data.next_cursor || '';
  dfMore.hidden = !dfCursor;
}

async function setupDealflow(p) {
  dfCard.hidden = false;
  chainList = await get('/chains').then((r) => r.data.items || [], () => []);
  options(document.getElementById('d-chain'), cat.chains);
  options(document.getElementById('d-stage'), cat.lists.stages);
  options(document.getElementById('d-district'), cat.districts);
  fillSegments();
  for (const sel of Object.values(dfSel)) {
    document.getElementById(sel).addEventListener('change', (ev) => {
      if (ev.target.id === 'd-chain') fillSegments();
      loadDealflow(p, false);
    });
  }
  dfMore.addEventListener('click', () => loadDealflow(p, true));
  await loadDealflow(p, false);
}

let current = null;

// findKind tries the kinds a profile may be of, for a link that names only its id.
async function findKind() {
  for (const k of ['investor', 'mentor', 'carrier', 'enclave', 'startup', 'provider']) {
    const r = await get('/' + cat.path[k] + '/' + id).catch(() => null);
    if (r) return r.data;
  }
  return null;
}

async function main() {
  if (!cat.path[kind] && /^[0-9a-f]{24}$/.test(id)) {
    const found = await findKind();
    if (found) {
      history.replaceState(null, '', location.pathname + query({ kind: found.kind, id, target: params.get('target') }));
      return showProfile(found);
    }
  }
  if (!cat.path[kind] || !/^[0-9a-f]{24}$/.test(id)) {
    clear(detail);
    detail.append(el('p', { class: 'err', text: t('profile.bad_link') }));
    return;
  }
  let p;
  try {
    p = (await get('/' + cat.path[kind] + '/' + id)).data;
  } catch (err) {
    clear(detail);
    detail.append(el('p', { class: 'err', text: errText(err) }));
    return;
  }
  return showProfile(p);
}

// showProfile shows profile p with what the viewer may do with it.
async function showProfile(p) {
  current = p;
  renderDetail(p);
  const waits = [loadAsk(p)];
  const ts = targets[p.kind] || [];
  if (mayAct(p) && ts.length) {
    card.hidden = false;
    for (const tg of ts) {
      const b = el('button', { type: 'button', role: 'tab', dataset: { target: tg }, text: nameOf(cat, 'kind', tg) });
      b.addEventListener('click', () => loadMatches(p, tg));
      tabs.append(b);
    }
    const want = params.get('target');
    waits.push(loadMatches(p, ts.includes(want) ? want : ts[0]));
    if (p.kind === 'investor') waits.push(setupDealflow(p));
  }
  await Promise.all(waits);
}

main();
