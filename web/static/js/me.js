// 我的资料: the signed-in account's profiles, and the form that creates or edits
// one. An edit sends If-Match with the version it was loaded at; if someone saved
// in between, the API answers 412 and the page says so instead of overwriting.

import { get, patch, post, query, ApiError } from './api.js';
import { buildForm, readForm } from './fields.js';
import { bi, catalog, clear, clearErrors, el, flash, kindsFor, nameOf, profileHref, setupPage, showError } from './ui.js';

const user = setupPage();
const cat = await catalog();

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
  for (const p of found) {
    const edit = el('button', { type: 'button', class: 'secondary', text: '编辑' });
    edit.addEventListener('click', () => openEditor(p.kind, p.id));
    list.append(el('li', { class: 'pitem', dataset: { id: p.id } },
      el('span', { class: 'badge', text: nameOf(cat, 'kind', p.kind) }),
      el('a', { href: profileHref(p.kind, p.id), class: 'pname', text: p.name }),
      el('span', { class: 'muted', text: [p.district ? nameOf(cat, 'district', p.district) : '', ...(p.chains || []).map((c) => nameOf(cat, 'chain', c))].filter(Boolean).join(' · ') }),
      el('span', { class: 'muted small', text: '版本 ' + p.version }),
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
  title.append(bi((p.id ? '编辑' : '新建') + nameOf(cat, 'kind', kind) + '资料', p.id ? 'Edit profile' : 'New profile'));
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
  stale.hidden = true;
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
    flash('已保存「' + r.data.name + '」（版本 ' + r.data.version + '）', 'ok');
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
  flash(err.zh || String(err), 'warn');
}
