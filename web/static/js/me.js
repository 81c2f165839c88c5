// 我的资料: the signed-in account's profiles, and the form that creates or edits
// one; an account with none is prompted to create its first. An edit sends If-Match with the version it was loaded at; if someone saved
// in between, the API answers 412 and the page says so instead of overwriting.

import { get, patch, post, query, ApiError } from './api.js';
import { buildForm, checkForm, readForm } from './fields.js';
import { t } from './i18n.js';
import { catalog, clear, clearErrors, districtsFor, el, errText, flash, kindsFor, nameOf, note, profileHref, setupPage, showError } from './ui.js';

const user = setupPage();
const cat0 = await catalog();
// A manager is offered only their own districts for a profile's district.
const cat = Object.assign({}, cat0, { districts: districtsFor(cat0, user) });
const saved = document.getElementById('saved');
const prompt = document.getElementById('first-profile');

const list = document.getElementById('mine-list');
const empty = document.getElementById('mine-empty');
const editor = document.getElementById('editor');
const form = document.getElementById('profile-form');
const fieldsBox = document.getElementById('fields');
const stale = document.getElementById('stale');
const viewLink = document.getElementById('view-link');
const newKind = document.getElementById('new-kind');

// editing is the profile in the form: its kind, and for an existing one its id
// and the version the form was filled from.
let editing = null;

const myKinds = user ? kindsFor(user.role) : [];
for (const k of myKinds) newKind.append(el('option', { value: k, text: nameOf(cat, 'kind', k) }));
document.getElementById('new-profile').hidden = myKinds.length === 0;

async function loadMine() {
  clear(list);
  const found = [];
  await Promise.all(myKinds.map(async (k) => {
    const r = await get('/' + cat.path[k] + query({ mine: 1, limit: 100 }));
    for (const p of r.data.items || []) found.push(p);
  }));
  found.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  empty.hidden = found.length > 0;
  // A new account is led to its first profile: the prompt says what to do and
  // the form for the one kind it may create opens at once.
  prompt.hidden = found.length > 0 || myKinds.length === 0;
  if (!found.length && myKinds.length === 1 && !editing) await openEditor(myKinds[0]);
  for (const p of found) {
    const edit = el('button', { type: 'button', class: 'secondary', text: t('common.edit') });
    edit.addEventListener('click', () => openEditor(p.kind, p.id));
    list.append(el('li', { class: 'pitem', dataset: { id: p.id } },
      el('span', { class: 'badge', text: nameOf(cat, 'kind', p.kind) }),
      el('a', { href: profileHref(p.kind, p.id), class: 'pname', text: p.name }),
      el('span', { class: 'muted', text: [p.district ? nameOf(cat, 'district', p.district) : '', ...(p.chains || []).map((c) => nameOf(cat, 'chain', c))].filter(Boolean).join(' · ') }),
      el('span', { class: 'muted small', text: t('me.version', { v: p.version }) }),
      edit));
  }
}

function fill(kind, p) {
  clear(fieldsBox);
  clearErrors(form);
  stale.hidden = true;
  buildForm(fieldsBox, kind, cat, p);
  editor.hidden = false;
  const title = document.getElementById('editor-title');
  clear(title);
  title.textContent = t(p.id ? 'me.edit_title' : 'me.new_title', { kind: nameOf(cat, 'kind', kind) });
  viewLink.hidden = !p.id;
  if (p.id) viewLink.href = profileHref(kind, p.id);
}

async function openEditor(kind, id) {
  flash('');
  if (!id) {
    editing = { kind };
    fill(kind, kind === 'carrier' ? { level: 'none' } : {});
  } else {
    const r = await get('/' + cat.path[kind] + '/' + id);
    editing = { kind, id, version: r.data.version };
    fill(kind, r.data);
  }
  editor.scrollIntoView({ block: 'start' });
  form.querySelector('input, textarea, select').focus();
}

document.getElementById('new-start').addEventListener('click', () => openEditor(newKind.value));
document.getElementById('cancel').addEventListener('click', () => {
  editor.hidden = true;
  editing = null;
});
document.getElementById('stale-reload').addEventListener('click', () => openEditor(editing.kind, editing.id));

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!editing) return;
  clearErrors(form);
  flash('');
  saved.textContent = '';
  stale.hidden = true;
  const bad = checkForm(fieldsBox, editing.kind);
  if (bad) {
    showError(form, bad);
    return;
  }
  const save = document.getElementById('save');
  save.disabled = true;
  const body = readForm(fieldsBox, editing.kind);
  const path = '/' + cat.path[editing.kind];
  try {
    let r;
    if (editing.id) {
      r = await patch(path + '/' + editing.id, body, { headers: { 'If-Match': '"' + editing.version + '"' } });
    } else {
      r = await post(path, body);
    }
    editing = { kind: editing.kind, id: r.data.id, version: r.data.version };
    fill(editing.kind, r.data);
    prompt.hidden = true;
    note(saved, t('me.saved', { name: r.data.name, v: r.data.version }));
    await loadMine();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 412 || (err.status === 409 && err.code === 'version_mismatch'))) {
      stale.hidden = false;
      stale.scrollIntoView({ block: 'nearest' });
    } else {
      showError(form, err instanceof ApiError ? err : { zh: String(err) });
    }
  } finally {
    save.disabled = false;
  }
});

try {
  await loadMine();
  const want = new URLSearchParams(location.search);
  if (want.get('edit') && want.get('kind')) await openEditor(want.get('kind'), want.get('edit'));
} catch (err) {
  flash(errText(err), 'warn');
}
document.body.dataset.ready = '1';
