// 对接: introductions received (inbox), sent (outbox) and, for managers and
// admins, brokered (经办). Each card shows the message, who brokered it, each
// side's answer and, once accepted, both sides' contacts and the outcomes, which
// either side or the broker records from the card. Only a recipient who has not
// yet answered gets 接受 / 婉拒; one who accepted sees 等待对方 until the other does.

import { get, post, query, ApiError } from './api.js';
import { t } from './i18n.js';
import { catalog, clear, clearErrors, el, errText, nameOf, profileHref, refreshBell, setupPage, showError } from './ui.js';

const user = setupPage();
const cat = await catalog();

const list = document.getElementById('intros');
const errBox = document.getElementById('intros-error');
const tabs = document.getElementById('boxes');
const more = document.getElementById('intros-more');
const outcomeKinds = ['meeting', 'mentoring', 'invested', 'loan', 'landed', 'no_fit'];

// names caches profile names: a list carries only references.
const names = new Map();

function nameFor(ref) {
  const key = ref.kind + '/' + ref.id;
  if (!names.has(key)) {
    names.set(key, get('/' + cat.path[ref.kind] + '/' + ref.id).then((r) => r.data.name, () => t('intros.unknown_profile')));
  }
  return names.get(key);
}

async function act(item, action, btn) {
  btn.disabled = true;
  const slot = btn.closest('.intro').querySelector('.card-err');
  try {
    await post('/introductions/' + item.id + '/' + action, undefined);
    const f = document.getElementById('focus');
    if (f) f.remove();
    await load(currentBox);
    refreshBell();
  } catch (err) {
    btn.disabled = false;
    slot.textContent = errText(err);
  }
}

// sideAnswer is what one side said: the asker asked, a side that accepted
// accepted, a side that declined declined, anyone else has not answered yet.
function sideAnswer(it, owner) {
  const accepted = (it.accepted_by || []).includes(owner);
  if (!it.broker_id && owner === it.requester_id) return ['asked', t('intros.answer.asked')];
  if (accepted) return ['accepted', t('intros.answer.accepted')];
  if (it.state === 'declined' && it.decided_by === owner) return ['declined', t('intros.answer.declined')];
  if (it.state === 'pending') return ['waiting', t('intros.answer.waiting')];
  return ['none', t('intros.answer.none')];
}

function contactLines(p) {
  const c = p && p.contact;
  if (!c) return null;
  const dl = el('dl', { class: 'facts contact' });
  for (const k of ['person', 'phone', 'email', 'wechat']) {
    if (c[k]) dl.append(el('dt', { text: t('fields.contact.' + k) }), el('dd', { text: c[k] }));
  }
  return el('div', { class: 'contact-box' }, el('h4', { text: p.name }), dl.firstChild ? dl : el('p', { class: 'muted', text: t('intros.no_contact') }));
}

function outcomeForm(it) {
  const sel = el('select', { 'data-field': 'kind', 'aria-label': t('intros.outcome_kind') });
  for (const k of outcomeKinds) sel.append(el('option', { value: k, text: t('intros.outcome.' + k) }));
  const date = el('input', { type: 'date', 'data-field': 'date', 'aria-label': t('intros.outcome_date') });
  date.value = new Date().toISOString().slice(0, 10);
  const noteIn = el('input', { type: 'text', 'data-field': 'note', maxlength: 500, placeholder: t('intros.outcome_note') });
  const btn = el('button', { type: 'submit', class: 'small', text: t('intros.outcome_add') });
  const form = el('form', { class: 'outcome-form inline-form', novalidate: true },
    sel, date, noteIn, btn, el('p', { class: 'err', dataset: { errFor: '' } }), el('p', { class: 'err', dataset: { errFor: 'date' } }), el('p', { class: 'err', dataset: { errFor: 'note' } }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    btn.disabled = true;
    try {
      await post('/introductions/' + it.id + '/outcomes', { kind: sel.value, date: date.value, note: noteIn.value.trim() });
      await load(currentBox);
    } catch (err) {
      btn.disabled = false;
      showError(form, err instanceof ApiError ? err : { zh: String(err) });
    }
  });
  return form;
}

// brokerName is the name of the manager who brokered it, as the list gives it
// (broker_name); an account gone since has none, and reads as 区县管理员.
function brokerName(it) {
  if (it.broker_name) return it.broker_name;
  if (user && it.broker_id === user.id) return user.name;
  return t('intros.a_manager');
}

async function card(it, box) {
  const [from, to] = await Promise.all([nameFor(it.from), nameFor(it.to)]);
  const broker = it.broker_id ? brokerName(it) : '';
  const mine = !!user && (it.recipients || []).includes(user.id);
  const iAccepted = !!user && (it.accepted_by || []).includes(user.id);
  let state = t('intros.state.' + it.state);
  if (it.state === 'pending' && iAccepted) state = t('intros.state.waiting_other');
  const actions = el('div', { class: 'actions' });
  if (it.state === 'pending' && mine && !iAccepted) {
    const ok = el('button', { type: 'button', class: 'accept', text: t('intros.accept') });
    const no = el('button', { type: 'button', class: 'secondary decline', text: t('intros.decline') });
    ok.addEventListener('click', () => act(it, 'accept', ok));
    no.addEventListener('click', () => act(it, 'decline', no));
    actions.append(ok, no);
  }
  const mayWithdraw = user && (it.broker_id ? it.broker_id === user.id : it.requester_id === user.id);
  if (it.state === 'pending' && mayWithdraw) {
    const wd = el('button', { type: 'button', class: 'secondary withdraw', text: t('intros.withdraw') });
    wd.addEventListener('click', () => act(it, 'withdraw', wd));
    actions.append(wd);
  }
  const sides = el('ul', { class: 'sides' });
  for (const [ref, owner, name] of [[it.from, it.from_owner_id, from], [it.to, it.to_owner_id, to]]) {
    const [code, text] = sideAnswer(it, owner);
    sides.append(el('li', { dataset: { answer: code } },
      el('span', { class: 'badge', text: nameOf(cat, 'kind', ref.kind) }), ' ',
      el('a', { href: profileHref(ref.kind, ref.id), text: name }), ' ',
      el('span', { class: 'answer ' + code, text: text })));
  }
  const li = el('li', { class: 'card intro', dataset: { id: it.id, state: it.state } },
    el('div', { class: 'bar' },
      el('div', { class: 'pair' },
        el('a', { href: profileHref(it.from.kind, it.from.id), text: from }),
        el('span', { class: 'muted', text: ' → ' }),
        el('a', { href: profileHref(it.to.kind, it.to.id), text: to })),
      el('span', { class: 'status ' + it.state, text: state })),
    it.broker_id ? el('p', { class: 'broker' }, t('intros.brokered_by', { name: broker })) : null,
    it.message ? el('blockquote', { class: 'message', text: it.message }) : el('p', { class: 'muted small', text: t('intros.no_message') }),
    sides,
    el('p', { class: 'muted small', text: t('intros.created', { date: String(it.created_at || '').slice(0, 10) }) +
      (it.state === 'pending' && it.expires_at ? ' · ' + t('intros.expires', { date: String(it.expires_at).slice(0, 10) }) : '') }),
    actions,
    el('p', { class: 'err card-err' }));
  if (it.state === 'accepted') {
    // The single introduction carries both profiles, with contacts for its sides.
    const full = await get('/introductions/' + it.id).then((r) => r.data, () => null);
    const box2 = el('div', { class: 'contacts' }, el('h3', { text: t('intros.contacts') }));
    if (full) {
      for (const p of [full.from_profile, full.to_profile]) {
        const c = contactLines(p);
        if (c) box2.append(c);
      }
    }
    li.append(box2);
    const outs = el('ul', { class: 'outcomes' });
    for (const o of it.outcomes || []) {
      outs.append(el('li', { text: t('intros.outcome.' + o.kind) + ' · ' + o.date + (o.note ? ' · ' + o.note : '') }));
    }
    li.append(el('h3', { text: t('intros.outcomes') }), outs, outcomeForm(it));
  }
  return li;
}

let currentBox = 'inbox';
let cursor = '';

async function load(box, append = false) {
  currentBox = box;
  for (const b of tabs.querySelectorAll('[data-box]')) b.setAttribute('aria-selected', b.dataset.box === box ? 'true' : 'false');
  errBox.textContent = '';
  let r;
  try {
    r = await get('/introductions' + query({ box, limit: 20, cursor: append ? cursor : '' }));
  } catch (err) {
    clear(list);
    errBox.textContent = errText(err);
    return;
  }
  const items = r.data.items || [];
  const rows = await Promise.all(items.map((it) => card(it, box)));
  if (!append) clear(list);
  if (!append && !rows.length) list.append(el('li', { class: 'muted', id: 'no-intros', text: t('intros.empty.' + box) }));
  for (const row of rows) list.append(row);
  cursor = r.data.next_cursor || '';
  more.hidden = !cursor;
  const u = new URL(location.href);
  u.searchParams.set('box', box);
  u.searchParams.delete('id');
  history.replaceState(null, '', u.pathname + u.search);
}

for (const b of tabs.querySelectorAll('[data-box]')) b.addEventListener('click', () => load(b.dataset.box));
more.addEventListener('click', () => load(currentBox, true));

// ?id= (a notification's link) opens that introduction above the boxes.
async function focus(introID) {
  if (!/^[0-9a-f]{24}$/.test(introID)) return;
  const r = await get('/introductions/' + introID).catch(() => null);
  if (!r) return;
  const box = el('section', { class: 'focus', id: 'focus' }, el('h2', { text: t('intros.focus') }));
  const ul = el('ul', { class: 'introlist' }, await card(r.data, ''));
  box.append(ul);
  tabs.before(box);
}

const want = new URLSearchParams(location.search);
await focus(want.get('id') || '');
load(['inbox', 'outbox', 'brokered'].includes(want.get('box')) ? want.get('box') : 'inbox');
