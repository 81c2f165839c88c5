// 批量导入: a manager picks a kind, downloads the template, uploads a spreadsheet
// and sees every problem of every row at once (row, column, the column's header as
// the file has it, reason) before anything is written; then imports all rows (only
// when every row is good) or only the good rows, and downloads the rows that did
// not pass as a file with a column of reasons.

import { catalog, clear, el, setupPage } from './ui.js';
import { addWords, errText, fetchFile, postForm, w } from './desk.js';

addWords({
  'import.key.startup': '企业按“统一社会信用代码”识别：再次导入同一文件会更新已有企业，不会重复新建。',
  'import.key.other': '按“名称 + 所在区县”识别：再次导入同一文件会更新已有资料，不会重复新建。',
  'import.choose_file': '请先选择要上传的文件。',
  'import.title.check': '3. 检查结果（尚未写入）',
  'import.title.done': '3. 导入结果',
  'import.title.refused': '3. 未导入：有问题的行',
  'import.summary.check': '共 {rows} 行：可新建 {created} 行，可更新 {updated} 行，无变化 {unchanged} 行，有问题 {failed} 行。',
  'import.summary.done': '共 {rows} 行：已新建 {created} 行，已更新 {updated} 行，无变化 {unchanged} 行，未导入 {failed} 行。',
  'import.summary.refused': '共 {rows} 行，其中 {failed} 行有问题，未写入任何数据。',
  'import.all_good': '全部 {rows} 行检查通过。',
  'import.ignored': '以下列名无法识别，未读取：{cols}',
  'import.th.row': '行号',
  'import.th.column': '列',
  'import.th.header': '列名',
  'import.th.problem': '问题',
  'import.whole_row': '整行',
  'import.no_column': '（文件中无此列）',
  'import.valid_n': '只导入无误的 {n} 行',
  'import.all_n': '全部导入（{n} 行）',
  'import.hint.bad': '“全部导入”要求每一行都无误；也可以先下载未通过的行，修改后重新上传检查。',
  'import.hint.good': '检查通过，可以导入。',
  'import.hint.done': '已写入。可下载未导入的行，修改后重新上传。',
  'import.hint.none': '没有需要写入的行。',
  'import.failed_download': '下载失败：{msg}',
}, {
  'import.key.startup': 'Startups are found by their credit code: importing the same file again updates them, never duplicates.',
  'import.key.other': 'Found by name and district: importing the same file again updates, never duplicates.',
  'import.choose_file': 'Choose a file to upload first.',
  'import.title.check': '3. Check (nothing written yet)',
  'import.title.done': '3. Imported',
  'import.title.refused': '3. Not imported: rows with problems',
  'import.summary.check': '{rows} rows: {created} to create, {updated} to update, {unchanged} unchanged, {failed} with problems.',
  'import.summary.done': '{rows} rows: {created} created, {updated} updated, {unchanged} unchanged, {failed} not imported.',
  'import.summary.refused': '{failed} of {rows} rows have problems; nothing was written.',
  'import.all_good': 'All {rows} rows passed the check.',
  'import.ignored': 'Columns not recognised and not read: {cols}',
  'import.th.row': 'Row',
  'import.th.column': 'Column',
  'import.th.header': 'Header',
  'import.th.problem': 'Problem',
  'import.whole_row': 'whole row',
  'import.no_column': '(no such column in the file)',
  'import.valid_n': 'Import only the {n} good rows',
  'import.all_n': 'Import all ({n} rows)',
  'import.hint.bad': 'Import all needs every row to be good; or download the rows that did not pass, fix them and check again.',
  'import.hint.good': 'Every row passed; you can import.',
  'import.hint.done': 'Written. Download the rows not imported, fix them and upload again.',
  'import.hint.none': 'Nothing to write.',
  'import.failed_download': 'Download failed: {msg}',
});

setupPage();
const cat = await catalog();
const $ = (id) => document.getElementById(id);
const kindSel = $('i-kind');
const fileIn = $('i-file');
const errBox = $('i-error');
for (const k of cat.kinds) kindSel.append(el('option', { value: k.code, text: k.zh }));
kindSel.value = new URLSearchParams(location.search).get('kind') || 'startup';

const path = () => cat.path[kindSel.value];
let checked = null; // {file, kind, report} of the last check

function showKey() {
  $('i-key').textContent = w(kindSel.value === 'startup' ? 'import.key.startup' : 'import.key.other');
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
      el('td', { class: 'num', 'data-label': w('import.th.row'), text: String(e.row) }),
      el('td', { 'data-label': w('import.th.column'), text: e.column || (e.header ? '—' : w('import.whole_row')) }),
      el('td', { 'data-label': w('import.th.header') }, e.header || '', !e.column && e.header ? el('span', { class: 'muted small', text: w('import.no_column') }) : null),
      el('td', { class: 'wide', 'data-label': w('import.th.problem'), text: e.message_zh })));
  }
  box.append(el('div', { class: 'scroll' }, el('table', { class: 'kpi problems', id: 'i-table' },
    el('thead', {}, el('tr', {}, el('th', { text: w('import.th.row') }), el('th', { text: w('import.th.column') }),
      el('th', { text: w('import.th.header') }), el('th', { text: w('import.th.problem') }))), tb)));
}

// show draws a report: stage is check, done or refused.
function show(rep, stage) {
  $('i-result').hidden = false;
  $('i-title').textContent = w('import.title.' + stage);
  $('i-summary').textContent = w('import.summary.' + stage, rep) + (stage === 'check' && !rep.failed ? ' ' + w('import.all_good', rep) : '');
  const ign = rep.ignored_columns || [];
  $('i-ignored').hidden = !ign.length;
  $('i-ignored').textContent = w('import.ignored', { cols: ign.map((c) => c.column + '（' + c.header + '）').join('、') });
  problems(rep);
  const good = rep.rows - rep.failed;
  const valid = $('i-valid');
  const all = $('i-all');
  valid.textContent = w('import.valid_n', { n: good });
  all.textContent = w('import.all_n', { n: rep.rows });
  valid.hidden = all.hidden = stage !== 'check';
  valid.disabled = good === 0 || rep.created + rep.updated === 0;
  all.disabled = rep.failed > 0 || rep.rows === 0;
  $('i-failed').hidden = !rep.failed;
  $('i-roster').hidden = stage !== 'done';
  $('i-choice-hint').textContent = stage === 'done' ? (rep.failed ? w('import.hint.done') : '')
    : stage === 'refused' ? w('import.hint.bad')
      : rep.failed ? w('import.hint.bad') : rep.created + rep.updated ? w('import.hint.good') : w('import.hint.none');
  $('i-result').scrollIntoView({ block: 'start' });
}

async function send(mode) {
  errBox.textContent = '';
  const file = checked ? checked.file : fileIn.files[0];
  if (!file) {
    errBox.textContent = w('import.choose_file');
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
    errBox.textContent = w('import.failed_download', { msg: errText(err) });
  }
});
