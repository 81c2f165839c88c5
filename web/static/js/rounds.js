// 批量对接: a manager picks startups and counterparts by filter, sets slots and
// meetings, sees the assignment fuhua proposes (each pair's score and reasons, the
// total and mean against first come, first served, who got nothing and why),
// removes pairs, and publishes the round as brokered introductions.

import { currentUser, get, post, patch, query, ApiError } from './api.js';
import { msg, t } from './i18n.js';
import { catalog, clear, clearErrors, districtsFor, el, errText, flash, options, setupPage, showError } from './ui.js';

setupPage();
const cat = await catalog();

const form = document.getElementById('round-form');
const box = document.getElementById('round');
const pairsBody = document.getElementById('round-pairs');
const unassigned = document.getElementById('round-unassigned');
const outcomes = document.getElementById('round-outcomes');
const errBox = document.getElementById('round-error');
const publishBtn = document.getElementById('round-publish');
const list = document.getElementById('round-list');

for (const id of ['r-s-chain', 'r-c-chain']) options(document.getElementById(id), cat.chains);
// A round's startups lie inside the manager's districts; counterparts may be anywhere.
options(document.getElementById('r-s-district'), districtsFor(cat, currentUser()));
options(document.getElementById('r-c-district'), cat.districts);
options(document.getElementById('r-s-stage'), cat.lists.stages || []);

let round = null;

const fmt = (x) => (Number.isInteger(x) ? String(x) : Number(x || 0).toFixed(1));

function filterOf(prefix, withStage) {
  const f = {};
  for (const k of withStage ? ['chain', 'district', 'stage'] : ['chain', 'district']) {
    const v = document.getElementById(prefix + k).value;
    if (v) f[k] = v;
  }
  return f;
}

// stateName names a round's state in the page's language.
function stateName(state) {
  if (state === 'draft') return t('rounds.state.draft');
  if (state === 'published') return t('rounds.state.published');
  return t('rounds.state.publishing');
}

function show(r) {
  round = r;
  box.hidden = false;
  document.getElementById('round-title').textContent = r.name + ' · ' + stateName(r.state);
  const gain = r.total_score - r.greedy_total_score;
  const sum = document.getElementById('round-summary');
  clear(sum);
  const vars = { n: r.pairs.length, total: r.total_score, mean: fmt(r.mean_score), greedy: r.greedy_total_score, greedy_mean: fmt(r.greedy_mean_score) };
  sum.append(t('rounds.summary', vars) + (gain > 0 ? t('rounds.summary_gain', { gain }) : ''));
  clear(pairsBody);
  for (const p of r.pairs) {
    const reasons = el('ul', { class: 'reasons' });
    for (const x of p.reasons || []) reasons.append(el('li', {}, t('rounds.reason_weight', { text: msg(x), weight: x.weight })));
    const rm = el('button', { type: 'button', class: 'small', text: t('rounds.remove'), dataset: { s: p.startup_id, c: p.counterpart_id } });
    rm.disabled = r.state !== 'draft';
    rm.addEventListener('click', () => remove(p));
    pairsBody.append(el('tr', { dataset: { s: p.startup_id, c: p.counterpart_id } },
      el('td', { text: p.startup_name }), el('td', { text: p.counterpart_name }),
      el('td', { class: 'num', text: String(p.score) }), el('td', {}, reasons), el('td', {}, rm)));
  }
  clear(unassigned);
  for (const u of r.unassigned || []) {
    unassigned.append(el('li', { dataset: { reason: u.reason } },
      el('strong', { text: (u.name || u.id) + (u.missing > 1 ? t('rounds.missing', { n: u.missing }) : '') + t('rounds.colon') }), msg(u)));
  }
  if (!(r.unassigned || []).length) unassigned.append(el('li', { class: 'muted', text: t('rounds.everyone_placed') }));
  publishBtn.hidden = r.state === 'published';
  clear(outcomes);
  for (const o of r.outcomes || []) {
    if (o.skipped) outcomes.append(el('li', {}, t('rounds.skipped', { s: o.startup_id, c: o.counterpart_id, why: msg(o) })));
  }
  if (r.state === 'published') {
    const made = (r.outcomes || []).filter((o) => o.introduction_id).length;
    outcomes.prepend(el('li', {}, t('rounds.published_n', { n: made })));
  }
}

async function remove(p) {
  errBox.textContent = '';
  try {
    const r = await patch('/rounds/' + round.id, { remove: [{ startup_id: p.startup_id, counterpart_id: p.counterpart_id }] },
      { headers: { 'If-Match': '"' + round.version + '"' } });
    show(r.data);
  } catch (err) {
    errBox.textContent = errText(err);
  }
}

publishBtn.addEventListener('click', async () => {
  errBox.textContent = '';
  publishBtn.disabled = true;
  try {
    show((await post('/rounds/' + round.id + '/publish', undefined)).data);
    flash(t('rounds.state.published'), 'ok');
    loadList();
  } catch (err) {
    errBox.textContent = errText(err);
  } finally {
    publishBtn.disabled = false;
  }
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(form);
  const body = {
    name: document.getElementById('r-name').value,
    target: document.getElementById('r-target').value,
    filter: filterOf('r-s-', true),
    counterpart_filter: filterOf('r-c-', false),
    slots: Number(document.getElementById('r-slots').value || 3),
    meetings_per_startup: Number(document.getElementById('r-meetings').value || 1),
  };
  const share = document.getElementById('r-share').value;
  if (share !== '') body.max_share = Number(share) / 100;
  try {
    show((await post('/rounds', body)).data);
    loadList();
  } catch (err) {
    if (err instanceof ApiError) showError(form, err);
    else flash(String(err), 'warn');
  }
});

async function loadList() {
  clear(list);
  let r;
  try {
    r = await get('/rounds');
  } catch (err) {
    list.append(el('li', { class: 'err', text: errText(err) }));
    return;
  }
  for (const x of r.data.items || []) {
    const a = el('a', { href: '/app/rounds' + query({ id: x.id }), text: x.name });
    a.addEventListener('click', async (e) => {
      e.preventDefault();
      history.replaceState(null, '', a.href);
      show((await get('/rounds/' + x.id)).data);
    });
    list.append(el('li', {}, a, ' · ' + stateName(x.state) + ' · ' + t('rounds.list_scores', { total: x.total_score, greedy: x.greedy_total_score })));
  }
  if (!(r.data.items || []).length) list.append(el('li', { class: 'muted', text: t('rounds.none_yet') }));
}

const id = new URLSearchParams(location.search).get('id');
if (id) {
  get('/rounds/' + id).then((r) => show(r.data)).catch((err) => {
    errBox.textContent = errText(err);
  });
}
loadList();
