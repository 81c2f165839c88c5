// The relay page for district managers (issue 12, parts 3 and 4): the enclave
// projects of their districts and whether each came home, and this year's
// graduates, where they landed, whether the park matched their chain, and for
// those not yet landed the proposed parks with a one-step brokered introduction.

import { get, post } from './api.js';
import { catalog, clear, el, errText, nameOf, profileHref, setupPage } from './ui.js';
import { lang, t } from './i18n.js';

const me = setupPage();
const cat = await catalog();
const sel = (id) => document.getElementById(id);
const errBox = sel('l-error');
const enclaveSel = sel('l-enclave');
const stageSel = sel('l-stage');

// Literal keys so the catalogue test sees every word used.
const stageName = {
  incubating: t('landing.stage.incubating'),
  negotiating: t('landing.stage.negotiating'),
  landed: t('landing.stage.landed'),
};
const stateName = {
  pending: t('landing.state.pending'),
  accepted: t('landing.state.accepted'),
  declined: t('landing.state.declined'),
  withdrawn: t('landing.state.withdrawn'),
  expired: t('landing.state.expired'),
};

function share(x) {
  return x === null || x === undefined ? t('landing.no_share') : Math.round(x * 100) + '%';
}

function candidateLine(c) {
  const parts = [nameOf(cat, 'carrier_types', c.type), nameOf(cat, 'district', c.district)];
  if (c.same_district) parts.push(t('landing.same_district'));
  const why = lang === 'en' && c.en ? c.en : c.zh;
  return el('li', { class: 'small', dataset: { id: c.id } },
    el('a', { href: profileHref('carrier', c.id), text: c.name }),
    el('span', { class: 'muted', text: ' · ' + parts.filter(Boolean).join(' · ') }),
    why ? el('div', { class: 'muted', text: why }) : null);
}

// Park names for enclave projects that landed (the report carries the id only).
const parkNames = {};
async function parkName(id) {
  if (!(id in parkNames)) {
    try {
      parkNames[id] = (await get('/' + cat.path.carrier + '/' + encodeURIComponent(id))).data.name;
    } catch {
      parkNames[id] = t('landing.unknown_park', { id });
    }
  }
  return parkNames[id];
}

// 1. Enclave projects.
let enclaves = [];
for (const st of ['incubating', 'negotiating', 'landed']) stageSel.append(el('option', { value: st, text: stageName[st] }));

async function drawProjects() {
  const list = sel('l-projects');
  clear(list);
  let n = 0;
  let landed = 0;
  let home = 0;
  for (const e of enclaves) {
    if (enclaveSel.value && e.enclave_id !== enclaveSel.value) continue;
    for (const p of e.items) {
      if (stageSel.value && p.stage !== stageSel.value) continue;
      n++;
      if (p.stage === 'landed') landed++;
      if (p.at_home) home++;
      const li = el('li', { class: 'ritem', dataset: { id: p.startup_id, stage: p.stage, home: p.at_home ? '1' : '0' } },
        el('a', { class: 'rname', href: profileHref('startup', p.startup_id), text: p.name }),
        el('span', { class: 'muted small', text: [e.name, stageName[p.stage] || p.stage, p.since ? t('landing.entered', { date: p.since }) : ''].filter(Boolean).join(' · ') }),
        el('span', { class: 'badge ' + (p.at_home ? 'ok' : 'warn'), text: p.at_home ? t('landing.at_home') : t('landing.not_home') }));
      if (p.park_id) {
        li.append(el('span', { class: 'small l-park', text: t('landing.landed_at', { park: await parkName(p.park_id), date: p.landed_on || '' }) }));
      }
      if (p.proposals && p.proposals.length) {
        li.append(el('div', { class: 'small muted lfull', text: t('landing.proposals') }),
          el('ul', { class: 'l-proposals lfull lsub' }, p.proposals.map(candidateLine)));
      }
      list.append(li);
    }
  }
  if (!n) list.append(el('li', { class: 'muted', text: t('landing.enclaves.none') }));
  sel('l-esum').textContent = t('landing.enclaves.sum', { n, landed, home, share: n ? share(home / n) : share(null) });
}

async function loadEnclaves() {
  const r = await get('/enclave-projects');
  enclaves = (r.data && r.data.enclaves) || [];
  for (const e of enclaves) enclaveSel.append(el('option', { value: e.enclave_id, text: e.name }));
  enclaveSel.addEventListener('change', drawProjects);
  stageSel.addEventListener('change', drawProjects);
  await drawProjects();
}

// 2. Graduates of the year.

// The landing introductions this manager brokered (newest 100), by startup and
// park, so a reload shows an introduction already made instead of the button.
const brokered = {};
async function loadBrokered() {
  try {
    const items = ((await get('/introductions?box=brokered&limit=100')).data || {}).items || [];
    for (const it of items) {
      const key = it.from.id + ' ' + it.to.id;
      if (!(key in brokered)) brokered[key] = it;
    }
  } catch {
      // Without the list, every park shows its button.
  }
}

function brokeredNote(c, d) {
  return el('p', { class: 'ok-note l-brokered', dataset: { intro: d.id || '', state: d.state || '' },
    text: t('landing.brokered', { park: c.name, state: stateName[d.state] || d.state || '' }) });
}

function brokerForm(g, c, out) {
  const msg = el('textarea', { class: 'l-message', rows: 2, 'aria-label': t('landing.message') });
  msg.value = t('landing.message_default', { firm: g.name, park: c.name });
  const btn = el('button', { type: 'button', class: 'l-broker', text: t('landing.broker') });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    errBox.textContent = '';
    try {
      const r = await post('/startups/' + encodeURIComponent(g.startup_id) + '/landing', { carrier_id: c.id, message: msg.value.trim() });
      const d = r.data || {};
      out.parentNode.replaceChild(brokeredNote(c, d), out);
    } catch (err) {
      errBox.textContent = errText(err);
      btn.disabled = false;
    }
  });
  return [msg, btn];
}

async function graduateItem(g) {
  const li = el('li', { class: 'ritem', dataset: { id: g.startup_id, landed: g.park_id ? '1' : '0', matching: g.matching ? '1' : '0' } },
    el('a', { class: 'rname', href: profileHref('startup', g.startup_id), text: g.name }),
    el('span', { class: 'muted small', text: [nameOf(cat, 'district', g.district), t('landing.graduated_on', { date: g.graduated_on })].filter(Boolean).join(' · ') }));
  if (g.park_id) {
    li.append(el('span', { class: 'small', text: t('landing.landed_at', { park: g.park_name || g.park_id, date: g.date || '' }) }),
      el('span', { class: 'badge ' + (g.matching ? 'ok' : 'warn'), text: g.matching ? t('landing.matching') : t('landing.not_matching') }));
    return li;
  }
  li.append(el('span', { class: 'badge warn', text: t('landing.not_landed') }));
  const box = el('div', { class: 'l-candidates lfull' });
  li.append(box);
  let cands = [];
  try {
    cands = ((await get('/startups/' + encodeURIComponent(g.startup_id) + '/landing')).data || {}).candidates || [];
  } catch (err) {
    box.append(el('p', { class: 'err', text: errText(err) }));
    return li;
  }
  if (!cands.length) {
    box.append(el('p', { class: 'muted small', text: t('landing.no_candidates') }));
    return li;
  }
  box.append(el('div', { class: 'small muted', text: t('landing.candidates') }));
  const ul = el('ul', { class: 'lsub' });
  for (const c of cands) {
    const item = candidateLine(c);
    const made = brokered[g.startup_id + ' ' + c.id];
    if (made) item.append(brokeredNote(c, made));
    else {
      const form = el('div', { class: 'l-form' });
      item.append(form);
      form.append(...brokerForm(g, c, form));
    }
    ul.append(item);
  }
  box.append(ul);
  return li;
}

async function loadGraduates() {
  const year = new Date().getFullYear();
  sel('l-gtitle').textContent = t('landing.grads.title', { year });
  const [r] = await Promise.all([get('/graduates?year=' + year), loadBrokered()]);
  const scopes = (r.data && r.data.scopes) || [];
  const city = scopes.find((s) => s.district === '');
  const use = city ? [city] : scopes;
  let n = 0;
  let landed = 0;
  let match = 0;
  const items = [];
  for (const s of use) {
    n += s.graduates;
    landed += s.landed;
    match += s.landed_matching;
    items.push(...s.items);
  }
  sel('l-gsum').textContent = t('landing.grads.sum', { n, landed, match, share: n ? share(match / n) : share(null) });
  const list = sel('l-grads');
  clear(list);
  if (!items.length) list.append(el('li', { class: 'muted', text: t('landing.grads.none') }));
  for (const g of items) list.append(await graduateItem(g));
}

if (me) {
  try {
    await Promise.all([loadEnclaves(), loadGraduates()]);
  } catch (err) {
    errBox.textContent = errText(err);
  }
  document.body.dataset.ready = '1';
}
