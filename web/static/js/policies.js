// 政策匹配: for a firm (or carrier, enclave) every support programme with its
// status, each condition met / unmet / unknown with what the profile has and needs,
// and the providers in fuhua who can close the gaps; for managers and admins, per
// programme, the firms eligible or close in their districts, with an .xlsx export
// so the office can push the programme to them.

import { authHeaders, get, post, query, ApiError } from './api.js';
import { msg, t } from './i18n.js';
import { catalog, clear, el, errText, label, nameOf, profileHref, setupPage } from './ui.js';

const me = setupPage();
const cat = await catalog();
const out = document.getElementById('p-out');
const errBox = document.getElementById('p-error');
const more = document.getElementById('m-more');
const params = new URLSearchParams(location.search);

const statusName = {
  eligible: t('policies.eligible'), close: t('policies.close'), unknown: t('policies.unknown'), not_eligible: t('policies.not_eligible'),
};
const thisYear = new Date().getFullYear();

function years(sel) {
  for (let y = thisYear + 1; y >= thisYear - 3; y--) sel.append(el('option', { value: String(y), text: t('policies.year_n', { y }) }));
  sel.value = String(thisYear);
}

function badge(st) {
  return el('span', { class: 'status policy-' + st, dataset: { status: st } }, statusName[st] || st);
}

function showError(err) {
  errBox.textContent = err instanceof ApiError ? errText(err) : String(err);
}

function mark(o) {
  if (o.met === null || o.met === undefined) return el('span', { class: 'met-unknown', title: t('policies.met.unknown'), text: '？' });
  if (o.met) return el('span', { class: 'met-yes', title: t('policies.met.yes'), text: '✓' });
  return el('span', { class: o.close ? 'met-close' : 'met-no', title: o.close ? t('policies.close') : t('policies.met.no'), text: o.close ? '≈' : '✗' });
}

function conditionRows(tb, conds, depth) {
  for (const o of conds || []) {
    const name = el('td', {}, el('span', { text: (depth ? '　'.repeat(depth) + '· ' : '') + msg(o) + (o.guess ? ' [guess]' : '') }));
    tb.append(el('tr', { dataset: { code: o.code, met: o.met === null ? 'unknown' : String(o.met) } },
      el('td', {}, mark(o)), name,
      el('td', {}, el('span', { text: msg(o.have) })),
      el('td', {}, el('span', { text: msg(o.need) }))));
    if (o.of && !o.met) conditionRows(tb, o.of, depth + 1);
  }
}

function programmeCard(it) {
  const sec = el('section', { class: 'card policy', dataset: { code: it.code } },
    el('h2', {}, msg(it), ' ', badge(it.status)),
    el('p', { class: 'muted' }, el('span', { text: it.version + ' · ' + it.source.document }),
      el('small', { class: 'muted block', text: t('policies.read_on', { date: it.source.read }) + (it.guess ? ' · [guess]' : '') })));
  if (it.note && it.note.zh) sec.append(el('p', {}, msg(it.note)));
  const tb = el('tbody');
  conditionRows(tb, it.conditions, 0);
  sec.append(el('div', { class: 'scroll' }, el('table', { class: 'conditions' },
    el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', {}, t('policies.col.condition')), el('th', {}, t('policies.col.has')), el('th', {}, t('policies.col.needs')))),
    tb)));
  if (it.providers && it.providers.length) {
    const ul = el('ul', { class: 'providers' });
    for (const p of it.providers) {
      const li = el('li', { dataset: { type: p.type } }, el('strong', { text: t('policies.provider_type', { type: msg(p) }) }));
      if (!p.candidates.length) li.append(el('span', { class: 'muted', text: t('policies.no_providers') }));
      p.candidates.forEach((c, i) => {
        if (i) li.append(t('policies.list_sep'));
        li.append(el('a', { href: profileHref('provider', c.id), text: c.name }), el('small', { class: 'muted', text: ' ' + nameOf(cat, 'district', c.district || '') }));
      });
      ul.append(li);
    }
    sec.append(el('h3', {}, t('policies.providers')), ul);
  }
  return sec;
}

// ---- one profile's programmes ----

async function firmView(kind, id) {
  document.getElementById('p-firm-head').hidden = false;
  const sel = document.getElementById('p-profile');
  const yearSel = document.getElementById('p-year');
  years(yearSel);
  if (params.get('year')) yearSel.value = params.get('year');
  const mine = [];
  if (id) mine.push({ kind, id, name: '' });
  for (const k of ['startup', 'carrier', 'enclave']) {
    try {
      const r = await get('/' + cat.path[k] + query({ mine: '1', limit: '100' }));
      for (const p of (r.data && r.data.items) || []) if (p.id !== id) mine.push({ kind: k, id: p.id, name: p.name });
    } catch { /* a role without profiles of this kind */ }
  }
  for (const p of mine) sel.append(el('option', { value: p.kind + ':' + p.id, text: (p.name || t('policies.this_profile')) + ' · ' + nameOf(cat, 'kind', p.kind) }));
  if (!mine.length) {
    out.append(el('p', { class: 'muted', text: t('policies.no_profile') }));
    return;
  }
  const run = async () => {
    clear(out);
    errBox.textContent = '';
    const [k, pid] = sel.value.split(':');
    try {
      const r = await get('/' + cat.path[k] + '/' + encodeURIComponent(pid) + '/policies' + query({ year: yearSel.value }));
      const d = r.data;
      out.append(el('h2', { id: 'p-name' }, el('a', { href: profileHref(k, pid), text: d.name }), ' ',
        el('small', { class: 'muted', text: t('policies.as_of', { date: d.on }) })));
      const order = { eligible: 0, close: 1, unknown: 2, not_eligible: 3 };
      d.items.sort((a, b) => order[a.status] - order[b.status]);
      for (const it of d.items) out.append(programmeCard(it));
      if (!d.items.length) out.append(el('p', { class: 'muted', text: t('policies.no_programme') }));
    } catch (err) {
      showError(err);
    }
  };
  document.getElementById('p-firm-form').addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  run();
}

// ---- a programme's firms, for managers and admins ----

async function managerView() {
  document.getElementById('p-manager-head').hidden = false;
  const codeSel = document.getElementById('m-code');
  const statusSel = document.getElementById('m-status');
  const distSel = document.getElementById('m-district');
  const yearSel = document.getElementById('m-year');
  years(yearSel);
  const districts = me.role === 'admin' ? cat.districts : cat.districts.filter((d) => (me.districts || []).includes(d.code));
  for (const d of districts) distSel.append(el('option', { value: d.code, text: label(d) }));
  const loadCodes = async () => {
    const keep = codeSel.value || params.get('code') || '';
    clear(codeSel);
    const r = await get('/policies' + query({ year: yearSel.value }));
    for (const g of r.data.items) codeSel.append(el('option', { value: g.code, text: msg(g) + (g.guess ? ' [guess]' : '') }));
    if ([...codeSel.options].some((o) => o.value === keep)) codeSel.value = keep;
  };
  let cursor = '';
  let tbody = null;
  const filters = () => ({ year: yearSel.value, status: statusSel.value, district: distSel.value });
  const page = async (fresh) => {
    errBox.textContent = '';
    if (fresh) {
      clear(out);
      cursor = '';
      tbody = null;
    }
    let r;
    try {
      r = await get('/policies/' + encodeURIComponent(codeSel.value) + '/firms' + query(Object.assign(filters(), { cursor, limit: '50' })));
    } catch (err) {
      showError(err);
      return;
    }
    const d = r.data;
    if (!tbody) {
      const c = d.counts || {};
      out.append(el('p', { id: 'm-counts' }, ...['eligible', 'close', 'unknown', 'not_eligible'].map((s) =>
        el('span', { class: 'count' }, badge(s), ' ' + t('policies.firms_n', { n: c[s] || 0 })))));
      tbody = el('tbody');
      out.append(el('div', { class: 'scroll card' }, el('table', { class: 'firms' },
        el('thead', {}, el('tr', {}, el('th', {}, t('policies.col.name')), el('th', {}, t('policies.district')), el('th', {}, t('policies.status')),
          el('th', {}, t('policies.col.gaps')), el('th', {}, t('policies.col.services')))), tbody)));
    }
    for (const f of d.items) {
      const gaps = el('td', {});
      for (const g of f.gaps) gaps.append(el('div', {}, el('span', { text: t('policies.gap', { what: msg(g), have: msg(g.have), need: msg(g.need) }) })));
      tbody.append(el('tr', { dataset: { id: f.id, status: f.status } },
        el('td', {}, el('a', { href: '/app/policies' + query({ kind: f.kind, id: f.id, year: yearSel.value }), text: f.name })),
        el('td', { text: nameOf(cat, 'district', f.district) }),
        el('td', {}, badge(f.status)), gaps,
        el('td', { text: (f.providers || []).map((x) => nameOf(cat, 'provider_types', x)).join(t('policies.list_sep')) })));
    }
    if (!d.items.length && fresh) tbody.append(el('tr', {}, el('td', { colspan: '5', class: 'muted', text: t('policies.no_firm') })));
    cursor = d.next_cursor || '';
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => page(false));
  document.getElementById('p-manager-form').addEventListener('submit', (ev) => { ev.preventDefault(); page(true); });
  yearSel.addEventListener('change', async () => { await loadCodes(); });
  // 免申即享: the office tells every firm of the list that it qualifies (or is
  // close); the server tells each firm once per programme, year and status.
  document.getElementById('m-push').addEventListener('click', async () => {
    errBox.textContent = '';
    const box = document.getElementById('m-pushed');
    box.hidden = true;
    const f = filters();
    const status = f.status === 'eligible' || f.status === 'close' ? f.status : '';
    let r;
    try {
      r = await post('/policies/' + encodeURIComponent(codeSel.value) + '/push' + query({ year: f.year, district: f.district, status }));
    } catch (err) {
      showError(err);
      return;
    }
    box.textContent = t('policies.pushed', { told: r.data.told, already: r.data.already, firms: r.data.firms });
    box.hidden = false;
  });
  document.getElementById('m-export').addEventListener('click', async () => {
    errBox.textContent = '';
    // A bearer token cannot ride on a plain link, so the file is fetched and handed
    // to the browser as a download.
    const res = await fetch('/api/v1/policies/' + encodeURIComponent(codeSel.value) + '/firms/export' + query(filters()),
      { headers: authHeaders(), credentials: 'same-origin' });
    if (!res.ok) {
      showError(new ApiError(res.status, await res.json().catch(() => null)));
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = el('a', { href: url, download: codeSel.value + '-' + yearSel.value + '.xlsx' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
  try {
    await loadCodes();
  } catch (err) {
    showError(err);
    return;
  }
  page(true);
}

if (me) {
  const id = params.get('id');
  if (id || (me.role !== 'manager' && me.role !== 'admin')) firmView(params.get('kind') || 'startup', id || '');
  else managerView();
}
