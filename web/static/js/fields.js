// The profile form, field by field, following the data contract (DESIGN.md, "Data
// contract (v1)"). Field names are the API's, dotted for nested objects
// ("needs.funding_wan"), so an error's "field" finds its input and its message slot.
// Labels and hints come from the word catalogue: fields.<key or name> and
// fields.hint.<hint>. A 'pct' field is typed as a percentage (8 for 8 %) and
// sent as the fraction the API stores (0.08).

import { t } from './i18n.js';
import { el, label as codeLabel } from './ui.js';

// labelOf is a field's label in the page's language.
export function labelOf(f) {
  return t('fields.' + (f.key || f.name));
}

const common = [
  { group: 'basics' },
  { name: 'name', type: 'text', required: true, wide: true },
  { name: 'summary', type: 'textarea', wide: true, hint: 'summary' },
  { name: 'chains', type: 'multi', list: 'chains', wide: true },
  { name: 'tags', type: 'words', hint: 'words' },
  { name: 'district', type: 'select', list: 'districts', hint: 'district' },
  { name: 'city', type: 'text' },
];

const contact = [
  { group: 'contact' },
  { name: 'contact.person', type: 'text' },
  { name: 'contact.phone', type: 'text' },
  { name: 'contact.email', type: 'text' },
  { name: 'contact.wechat', type: 'text' },
];

const own = {
  startup: [
    { group: 'company' },
    { name: 'credit_code', type: 'text', hint: 'credit_code' },
    { name: 'stage', type: 'select', list: 'stages' },
    { name: 'status', type: 'select', list: 'startup_statuses' },
    { name: 'founded', type: 'date' },
    { name: 'incubated_since', type: 'date' },
    { name: 'graduated_on', type: 'date' },
    { name: 'carrier_id', type: 'text' },
    { name: 'employees', type: 'int' },
    { name: 'tech_staff', type: 'int' },
    { name: 'rd_ratio', type: 'pct', hint: 'pct' },
    { name: 'patents', type: 'int' },
    { name: 'other_ip', type: 'int' },
    { name: 'revenue_wan', type: 'num' },
    { name: 'assets_wan', type: 'num' },
    { name: 'tech_sme.year', type: 'int' },
    { name: 'tech_sme.passed', type: 'bool' },
    { name: 'high_tech.year', type: 'int' },
    { name: 'high_tech.passed', type: 'bool' },
    { group: 'needs' },
    { name: 'needs.funding_wan', type: 'num' },
    { name: 'needs.funding_kinds', type: 'multi', list: 'funding_kinds' },
    { name: 'needs.mentoring', type: 'words', hint: 'needs.mentoring' },
    { name: 'needs.services', type: 'multi', list: 'need_services' },
    { name: 'needs.space_sqm', type: 'num' },
  ],
  mentor: [
    { group: 'mentor' },
    { name: 'title', type: 'text' },
    { name: 'organization', type: 'text' },
    { name: 'topics', type: 'words', hint: 'words' },
    { name: 'languages', type: 'words', hint: 'languages' },
    { name: 'capacity', key: 'capacity.mentor', type: 'int' },
    { name: 'remote', type: 'bool' },
  ],
  investor: [
    { group: 'thesis' },
    { name: 'type', key: 'type.investor', type: 'select', list: 'investor_types', required: true },
    { name: 'stages', type: 'multi', list: 'stages' },
    { name: 'ticket_min_wan', type: 'num' },
    { name: 'ticket_max_wan', type: 'num' },
    { name: 'instruments', type: 'multi', list: 'funding_kinds' },
    { name: 'regions', type: 'multi', list: 'districts' },
    { name: 'hard_tech', type: 'bool' },
  ],
  carrier: [
    { group: 'carrier' },
    { name: 'type', key: 'type.carrier', type: 'select', list: 'carrier_types', required: true },
    { name: 'level', type: 'select', list: 'levels', required: true },
    { name: 'level_since', type: 'int' },
    { name: 'established', type: 'date' },
    { name: 'area_sqm', type: 'num' },
    { name: 'seats', type: 'int' },
    { name: 'benchmark', type: 'bool' },
    { name: 'professional', type: 'bool' },
    { name: 'international', type: 'bool' },
    { name: 'services', type: 'multi', list: 'offer_services', wide: true },
  ],
  enclave: [
    { group: 'enclave' },
    { name: 'home_district', type: 'select', list: 'districts', required: true },
    { name: 'host_city', type: 'text' },
    { name: 'host_region', type: 'select', list: 'host_regions', required: true },
    { name: 'capacity', key: 'capacity.enclave', type: 'int' },
    { name: 'established', type: 'date' },
    { name: 'services', type: 'multi', list: 'offer_services', wide: true },
  ],
  provider: [
    { group: 'provider' },
    { name: 'type', key: 'type.provider', type: 'select', list: 'provider_types', required: true },
    { name: 'services', type: 'multi', list: 'offer_services', wide: true },
  ],
};

export function fieldsOf(kind) {
  return [...common, ...(own[kind] || []), ...contact];
}

function listOf(cat, name) {
  if (name === 'districts') return cat.districts;
  if (name === 'chains') return cat.chains;
  return cat.lists[name] || [];
}

function getPath(obj, path) {
  let v = obj;
  for (const k of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    v = v[k];
  }
  return v;
}

function setPath(obj, path, value) {
  const ks = path.split('.');
  let o = obj;
  for (const k of ks.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k];
  }
  o[ks[ks.length - 1]] = value;
}

const idOf = (name) => 'f-' + name.replace(/\./g, '-');

// buildForm fills box with the inputs of kind's fields, set to the values of p (a
// profile as the API returns it, or {} for a new one).
export function buildForm(box, kind, cat, p) {
  let grid = null;
  for (const f of fieldsOf(kind)) {
    if (f.group) {
      const fs = el('fieldset', {}, el('legend', { text: t('fields.group.' + f.group) }));
      if (f.group === 'contact') fs.append(el('p', { class: 'hint privacy', id: 'privacy-note', text: t('fields.privacy') }));
      grid = el('div', { class: 'grid' });
      fs.append(grid);
      box.append(fs);
      continue;
    }
    const id = idOf(f.name);
    const v = getPath(p, f.name);
    const label = el('label', { for: id }, labelOf(f), f.required ? el('span', { class: 'req', title: t('fields.required'), text: ' *' }) : null);
    let input;
    switch (f.type) {
      case 'textarea':
        input = el('textarea', { id, rows: 4, text: v || '' });
        break;
      case 'int':
      case 'num':
        input = el('input', { id, type: 'number', min: 0, step: f.type === 'int' ? 1 : 'any', inputmode: f.type === 'int' ? 'numeric' : 'decimal' });
        if (v) input.value = String(v);
        break;
      case 'pct':
        input = el('input', { id, type: 'number', min: 0, max: 100, step: 'any', inputmode: 'decimal' });
        // 0.08 is shown as 8; rounding keeps 0.07 from showing as 7.000000000000001.
        if (v) input.value = String(Math.round(v * 100 * 1e6) / 1e6);
        break;
      case 'date':
        input = el('input', { id, type: 'date' });
        input.value = v || '';
        break;
      case 'select':
        input = el('select', { id });
        if (!f.required) input.append(el('option', { value: '', text: t('common.none') }));
        for (const x of listOf(cat, f.list)) input.append(el('option', { value: x.code, text: codeLabel(x) }));
        if (v) input.value = v;
        break;
      case 'multi': {
        input = el('div', { id, class: 'checks', role: 'group', 'aria-label': labelOf(f) });
        const on = new Set(v || []);
        for (const x of listOf(cat, f.list)) {
          const cb = el('input', { type: 'checkbox', value: x.code, checked: on.has(x.code) });
          input.append(el('label', { class: 'check' }, cb, codeLabel(x)));
        }
        break;
      }
      case 'words':
        input = el('input', { id, type: 'text' });
        input.value = (v || []).join('，');
        break;
      case 'bool':
        input = el('input', { id, type: 'checkbox', checked: !!v });
        break;
      default:
        input = el('input', { id, type: 'text' });
        input.value = v || '';
    }
    input.dataset.field = f.name;
    const cell = el('div', { class: 'field' + (f.wide ? ' wide' : '') + (f.type === 'bool' ? ' boolf' : '') });
    if (f.type === 'bool') cell.append(el('label', { class: 'check', for: id }, input, labelOf(f)));
    else cell.append(label, input);
    if (f.hint) cell.append(el('p', { class: 'hint', text: t('fields.hint.' + f.hint) }));
    cell.append(el('p', { class: 'err', dataset: { errFor: f.name } }));
    grid.append(cell);
  }
}

// readForm returns the body to send: every field of the kind, empty numbers as 0
// and empty texts as "", so that an edit can clear a field. A yearly evaluation
// with no year is left out: there is nothing to say about it.
export function readForm(box, kind) {
  const body = {};
  for (const f of fieldsOf(kind)) {
    if (f.group) continue;
    const input = box.querySelector('#' + idOf(f.name));
    let v;
    switch (f.type) {
      case 'int':
      case 'num': {
        const s = input.value.trim();
        v = s === '' ? 0 : Number(s);
        if (f.type === 'int' && Number.isFinite(v)) v = Math.trunc(v);
        if (!Number.isFinite(v)) v = s; // let the server name the bad field
        break;
      }
      case 'pct': {
        const s = input.value.trim();
        const n = s === '' ? 0 : Number(s);
        // typed as a percentage, stored as a fraction; rounding drops float noise
        v = Number.isFinite(n) ? Math.round((n / 100) * 1e8) / 1e8 : s;
        break;
      }
      case 'multi':
        v = [...input.querySelectorAll('input:checked')].map((c) => c.value);
        break;
      case 'words':
        v = input.value.split(/[,，、;；\n]+/).map((s) => s.trim()).filter(Boolean);
        break;
      case 'bool':
        v = input.checked;
        break;
      default:
        v = input.value.trim();
    }
    setPath(body, f.name, v);
  }
  for (const k of ['tech_sme', 'high_tech']) {
    if (body[k] && !body[k].year) delete body[k];
  }
  return body;
}

// checkForm finds what the page can tell before the server does: a percentage
// outside 0–100. It returns an error for showError, or null.
export function checkForm(box, kind) {
  for (const f of fieldsOf(kind)) {
    if (f.type !== 'pct') continue;
    const input = box.querySelector('#' + idOf(f.name));
    const n = Number(input.value.trim() || '0');
    if (!Number.isFinite(n) || n < 0 || n > 100) {
      const text = t('fields.pct_range', { label: labelOf(f) });
      return { field: f.name, zh: text, en: text };
    }
  }
  return null;
}
