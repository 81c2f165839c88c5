// The profile form, field by field, following the data contract (DESIGN.md, "Data
// contract (v1)"). Field names are the API's, dotted for nested objects
// ("needs.funding_wan"), so an error's "field" finds its input and its message slot.

import { el, bi } from './ui.js';

const common = [
  { group: '基本信息', en: 'Basics' },
  { name: 'name', zh: '名称', en: 'Name', type: 'text', required: true, wide: true },
  { name: 'summary', zh: '简介', en: 'Summary', type: 'textarea', wide: true, hint: '主营业务、技术方向、优势与需求，检索和匹配都会用到' },
  { name: 'chains', zh: '产业链', en: 'Industry chains', type: 'multi', list: 'chains', wide: true },
  { name: 'tags', zh: '标签', en: 'Tags', type: 'words', hint: '用逗号或顿号分隔' },
  { name: 'district', zh: '所在区县', en: 'District', type: 'select', list: 'districts', hint: '盐城市外的机构留空' },
  { name: 'city', zh: '城市', en: 'City', type: 'text' },
];

const contact = [
  { group: '联系方式', en: 'Contact (private: shown only to you, district managers, and the other side of an accepted introduction)' },
  { name: 'contact.person', zh: '联系人', en: 'Person', type: 'text' },
  { name: 'contact.phone', zh: '电话', en: 'Phone', type: 'text' },
  { name: 'contact.email', zh: '邮箱', en: 'E-mail', type: 'text' },
  { name: 'contact.wechat', zh: '微信', en: 'WeChat', type: 'text' },
];

const own = {
  startup: [
    { group: '企业信息', en: 'Company' },
    { name: 'credit_code', zh: '统一社会信用代码', en: 'Unified social credit code', type: 'text', hint: '18 位，含校验码' },
    { name: 'stage', zh: '融资阶段', en: 'Stage', type: 'select', list: 'stages' },
    { name: 'status', zh: '孵化状态', en: 'Status', type: 'select', list: 'startup_statuses' },
    { name: 'founded', zh: '成立日期', en: 'Founded', type: 'date' },
    { name: 'incubated_since', zh: '入孵日期', en: 'Incubated since', type: 'date' },
    { name: 'graduated_on', zh: '毕业日期', en: 'Graduated on', type: 'date' },
    { name: 'carrier_id', zh: '所在载体 ID', en: 'Carrier id', type: 'text' },
    { name: 'employees', zh: '职工总数', en: 'Employees', type: 'int' },
    { name: 'tech_staff', zh: '科技人员数', en: 'Technical staff', type: 'int' },
    { name: 'rd_ratio', zh: '研发投入占比', en: 'R&D spend / revenue', type: 'num' },
    { name: 'patents', zh: 'Ⅰ类知识产权', en: 'Class-I IP (invention patents…)', type: 'int' },
    { name: 'other_ip', zh: 'Ⅱ类知识产权', en: 'Class-II IP (utility models, software…)', type: 'int' },
    { name: 'revenue_wan', zh: '营业收入（万元）', en: 'Revenue, 10k CNY', type: 'num' },
    { name: 'assets_wan', zh: '资产总额（万元）', en: 'Assets, 10k CNY', type: 'num' },
    { name: 'tech_sme.year', zh: '科技型中小企业评价年度', en: 'Tech-SME evaluation year', type: 'int' },
    { name: 'tech_sme.passed', zh: '已通过科技型中小企业评价', en: 'Passed', type: 'bool' },
    { name: 'high_tech.year', zh: '高新技术企业认定年度', en: 'High-tech enterprise year', type: 'int' },
    { name: 'high_tech.passed', zh: '已认定高新技术企业', en: 'Recognised', type: 'bool' },
    { group: '需求', en: 'Needs' },
    { name: 'needs.funding_wan', zh: '融资需求（万元）', en: 'Funding sought, 10k CNY', type: 'num' },
    { name: 'needs.funding_kinds', zh: '资金类型', en: 'Funding kinds', type: 'multi', list: 'funding_kinds' },
    { name: 'needs.mentoring', zh: '辅导主题', en: 'Mentoring topics', type: 'words', hint: '如：融资路演、股权设计' },
    { name: 'needs.services', zh: '专业服务', en: 'Services', type: 'multi', list: 'need_services' },
    { name: 'needs.space_sqm', zh: '场地需求（㎡）', en: 'Space, m²', type: 'num' },
  ],
  mentor: [
    { group: '导师信息', en: 'Mentor' },
    { name: 'title', zh: '职务 / 职称', en: 'Title', type: 'text' },
    { name: 'organization', zh: '单位', en: 'Organisation', type: 'text' },
    { name: 'topics', zh: '擅长领域', en: 'Topics', type: 'words', hint: '用逗号或顿号分隔' },
    { name: 'languages', zh: '语言', en: 'Languages', type: 'words', hint: '如：zh, en' },
    { name: 'capacity', zh: '可同时辅导企业数', en: 'Capacity', type: 'int' },
    { name: 'remote', zh: '接受线上辅导', en: 'Remote', type: 'bool' },
  ],
  investor: [
    { group: '投资偏好', en: 'Thesis' },
    { name: 'type', zh: '机构类型', en: 'Type', type: 'select', list: 'investor_types', required: true },
    { name: 'stages', zh: '投资阶段', en: 'Stages', type: 'multi', list: 'stages' },
    { name: 'ticket_min_wan', zh: '单笔下限（万元）', en: 'Ticket min, 10k CNY', type: 'num' },
    { name: 'ticket_max_wan', zh: '单笔上限（万元）', en: 'Ticket max, 10k CNY', type: 'num' },
    { name: 'instruments', zh: '投资方式', en: 'Instruments', type: 'multi', list: 'funding_kinds' },
    { name: 'regions', zh: '关注区县', en: 'Regions', type: 'multi', list: 'districts' },
    { name: 'hard_tech', zh: '投小、投早、投硬科技', en: 'Hard tech', type: 'bool' },
  ],
  carrier: [
    { group: '载体信息', en: 'Carrier' },
    { name: 'type', zh: '载体类型', en: 'Type', type: 'select', list: 'carrier_types', required: true },
    { name: 'level', zh: '级别', en: 'Level', type: 'select', list: 'levels', required: true },
    { name: 'level_since', zh: '获评年度', en: 'Level since', type: 'int' },
    { name: 'established', zh: '成立日期', en: 'Established', type: 'date' },
    { name: 'area_sqm', zh: '面积（㎡）', en: 'Area, m²', type: 'num' },
    { name: 'seats', zh: '工位数', en: 'Seats', type: 'int' },
    { name: 'benchmark', zh: '标杆孵化器', en: 'Benchmark', type: 'bool' },
    { name: 'professional', zh: '专业化', en: 'Professional', type: 'bool' },
    { name: 'international', zh: '国际化', en: 'International', type: 'bool' },
    { name: 'services', zh: '提供服务', en: 'Services', type: 'multi', list: 'offer_services', wide: true },
  ],
  enclave: [
    { group: '飞地信息', en: 'Enclave' },
    { name: 'home_district', zh: '所属区县', en: 'Home district', type: 'select', list: 'districts', required: true },
    { name: 'host_city', zh: '所在城市', en: 'Host city', type: 'text' },
    { name: 'host_region', zh: '所在区域', en: 'Host region', type: 'select', list: 'host_regions', required: true },
    { name: 'capacity', zh: '可容纳项目数', en: 'Capacity', type: 'int' },
    { name: 'established', zh: '成立日期', en: 'Established', type: 'date' },
    { name: 'services', zh: '提供服务', en: 'Services', type: 'multi', list: 'offer_services', wide: true },
  ],
  provider: [
    { group: '服务机构信息', en: 'Provider' },
    { name: 'type', zh: '机构类型', en: 'Type', type: 'select', list: 'provider_types', required: true },
    { name: 'services', zh: '提供服务', en: 'Services', type: 'multi', list: 'offer_services', wide: true },
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
      const fs = el('fieldset', {}, el('legend', {}, bi(f.group, f.en)));
      grid = el('div', { class: 'grid' });
      fs.append(grid);
      box.append(fs);
      continue;
    }
    const id = idOf(f.name);
    const v = getPath(p, f.name);
    const label = el('label', { for: id }, bi(f.zh, f.en), f.required ? el('span', { class: 'req', text: ' *' }) : null);
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
      case 'date':
        input = el('input', { id, type: 'date' });
        input.value = v || '';
        break;
      case 'select':
        input = el('select', { id });
        if (!f.required) input.append(el('option', { value: '', text: '—' }));
        for (const x of listOf(cat, f.list)) input.append(el('option', { value: x.code, text: x.zh }));
        if (v) input.value = v;
        break;
      case 'multi': {
        input = el('div', { id, class: 'checks', role: 'group', 'aria-label': f.zh });
        const on = new Set(v || []);
        for (const x of listOf(cat, f.list)) {
          const cb = el('input', { type: 'checkbox', value: x.code, checked: on.has(x.code) });
          input.append(el('label', { class: 'check' }, cb, x.zh));
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
    if (f.type === 'bool') cell.append(el('label', { class: 'check', for: id }, input, bi(f.zh, f.en)));
    else cell.append(label, input);
    if (f.hint) cell.append(el('p', { class: 'hint', text: f.hint }));
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
