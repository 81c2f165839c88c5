// 批量导入: a manager picks a kind, downloads the template, uploads a spreadsheet
// and sees every problem of every row at once (row, column, the column's header as
// the file has it, reason) before anything is written; then imports all rows (only
// when every row is good) or only the good rows, and downloads the rows that did
// not pass as a file with a column of reasons.

import { catalog, clear, el, errText, label, setupPage } from './ui.js';
import { fetchFile, postForm } from './desk.js';
import { msg, t } from './i18n.js';


setupPage();
const cat = await catalog();
const $ = (id) => document.getElementById(id);
const kindSel = $('i-kind');
const fileIn = $('i-file');
const errBox = $('i-error');
for (const k of cat.kinds) kindSel.append(el('option', { value: k.code, text: label(k) }));
kindSel.value = new URLSearchParams(location.search).get('kind') || 'startup';

const path = () => cat.path[kindSel.value];
let checked = null; // {file, kind, report} of the last check

function showKey() {
  $('i-key').textContent = t(kindSel.value === 'startup' ? 'desk.import.key.startup' : 'desk.import.key.other');
  $('i-roster').href = '/app/roster?kind=' + encodeURIComponent(kindSel.value);
}
kindSel.addEventListener('change', () => {
  showKey();
  checked = null;
  $('i-result').hidden = true;
});
showKey();

$('i-template').addEventListener('click', async () => {
  errBox.textContent = '';
  try {
    await fetchFile('GET', '/' + path() + '/import/template', path() + '-template.xlsx');
  } catch (err) {
    errBox.textContent = errText(err);
  }
});
$('i-export').addEventListener('click', async () => {
  errBox.textContent = '';
  try {
    await fetchFile('GET', '/roster/export?kind=' + encodeURIComponent(kindSel.value), path() + '.xlsx');
  } catch (err) {
    errBox.textContent = errText(err);
  }
});

function formOf(file) {
  const f = new FormData();
  f.append('file', file, file.name);
  return f;
}

function problems(rep) {
  const box = $('i-problems');
  clear(box);
  if (!rep.errors || !rep.errors.length) return;
  const tb = el('tbody');
  for (const e of rep.errors) {
    tb.append(el('tr', { dataset: { row: String(e.row), column: e.column || '', field: e.field || '' } },
      el('td', { class: 'num', 'data-label': t('desk.import.th.row'), text: String(e.row) }),
      el('td', { 'data-label': t('desk.import.th.column'), text: e.column || (e.header ? '—' : t('desk.import.whole_row')) }),
      el('td', { 'data-label': t('desk.import.th.header') }, e.header || '', !e.column && e.header ? el('span', { class: 'muted small', text: t('desk.import.no_column') }) : null),
      el('td', { class: 'wide', 'data-label': t('desk.import.th.problem'), text: msg(e) })));
  }
  box.append(el('div', { class: 'scroll' }, el('table', { class: 'kpi problems', id: 'i-table' },
    el('thead', {}, el('tr', {}, el('th', { text: t('desk.import.th.row') }), el('th', { text: t('desk.import.th.column') }),
      el('th', { text: t('desk.import.th.header') }), el('th', { text: t('desk.import.th.problem') }))), tb)));
}

// show draws a report: stage is check, done or refused.
function show(rep, stage) {
  $('i-result').hidden = false;
  $('i-title').textContent = t('desk.import.title.' + stage);
  $('i-summary').textContent = t('desk.import.summary.' + stage, rep) + (stage === 'check' && !rep.failed ? ' ' + t('desk.import.all_good', rep) : '');
  const ign = rep.ignored_columns || [];
  $('i-ignored').hidden = !ign.length;
  $('i-ignored').textContent = t('desk.import.ignored', { cols: ign.map((c) => c.column + '（' + c.header + '）').join('、') });
  problems(rep);
  const good = rep.rows - rep.failed;
  const valid = $('i-valid');
  const all = $('i-all');
  valid.textContent = t('desk.import.valid_n', { n: good });
  all.textContent = t('desk.import.all_n', { n: rep.rows });
  valid.hidden = all.hidden = stage !== 'check';
  valid.disabled = good === 0 || rep.created + rep.updated === 0;
  all.disabled = rep.failed > 0 || rep.rows === 0;
  $('i-failed').hidden = !rep.failed;
  $('i-roster').hidden = stage !== 'done';
  $('i-choice-hint').textContent = stage === 'done' ? (rep.failed ? t('desk.import.hint.done') : '')
    : stage === 'refused' ? t('desk.import.hint.bad')
      : rep.failed ? t('desk.import.hint.bad') : rep.created + rep.updated ? t('desk.import.hint.good') : t('desk.import.hint.none');
  $('i-result').scrollIntoView({ block: 'start' });
}

async function send(mode) {
  errBox.textContent = '';
  const file = checked ? checked.file : fileIn.files[0];
  if (!file) {
    errBox.textContent = t('desk.import.choose_file');
    return;
  }
  for (const b of document.querySelectorAll('#i-form button, #i-choices button')) b.disabled = true;
  try {
    const r = await postForm('/' + path() + '/import?mode=' + mode, formOf(file));
    if (mode === 'check') checked = { file, kind: kindSel.value };
    show(r.data, mode === 'check' ? 'check' : r.status === 422 ? 'refused' : 'done');
  } catch (err) {
    errBox.textContent = errText(err);
    $('i-result').hidden = true;
  } finally {
    $('i-check').disabled = false;
    $('i-failed').disabled = false;
  }
}

$('i-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  checked = null;
  send('check');
});
fileIn.addEventListener('change', () => {
  checked = null;
  $('i-result').hidden = true;
});
$('i-valid').addEventListener('click', () => send('valid'));
$('i-all').addEventListener('click', () => send('all'));
$('i-failed').addEventListener('click', async () => {
  const file = checked && checked.file;
  if (!file) return;
  try {
    await fetchFile('POST', '/' + path() + '/import/failed', path() + '-failed-rows.xlsx', formOf(file));
  } catch (err) {
    errBox.textContent = t('desk.import.failed_download', { msg: errText(err) });
  }
});
